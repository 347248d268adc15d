namespace ElectionFunctions.Reporting;

/// <summary>
/// An incident of section A: reports linked, directly or through others, by shared correlation keys (issue 18).
/// </summary>
public sealed record IncidentEntry(
    int Reports,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<string> States,
    int Partners,
    IReadOnlyList<string> Methods,
    IReadOnlyList<string> Actors,
    int Keys,
    IReadOnlyList<string> SampleKeys);

/// <summary>
/// Groups the package's reports into incidents while they stream: the connected components of "shares a correlation
/// key" (union-find over the keys, smaller component merged into the larger). Memory grows with the number of keys,
/// not reports, and each incident's lists are bounded (states and methods by their vocabularies, partners counted,
/// actors and sample keys at most <see cref="Sample"/>). The same reports in the same order give the same incidents.
/// </summary>
public sealed class PackageIncidents(int listed = PackageIncidents.Listed)
{
    /// <summary>Incidents listed in package.json (the largest first); the count of all is beside them.</summary>
    public const int Listed = 100;
    public const int Sample = 10;

    // One per component; its lists are made when first needed, so a key seen once costs a few words.
    private sealed class Incident
    {
        public int Reports;
        public DateTimeOffset First = DateTimeOffset.MaxValue, Last = DateTimeOffset.MinValue;
        public SortedSet<string>? States, Partners, Methods, Actors, SampleKeys;
        public int Keys;

        public void Merge(Incident other)
        {
            Reports += other.Reports;
            if (other.First < First) First = other.First;
            if (other.Last > Last) Last = other.Last;
            foreach (var v in other.States ?? []) Add(ref States, v);
            foreach (var v in other.Partners ?? []) Add(ref Partners, v);
            foreach (var v in other.Methods ?? []) Add(ref Methods, v);
            foreach (var v in other.Actors ?? []) Bounded(ref Actors, v);
            foreach (var v in other.SampleKeys ?? []) Bounded(ref SampleKeys, v);
            Keys += other.Keys;
        }
    }

    private readonly Dictionary<string, int> _keys = new(StringComparer.Ordinal);
    private readonly List<int> _parent = [];
    private readonly Dictionary<int, Incident> _incidents = [];

    public void Add(ReportDocument report)
    {
        var keys = report.Classification?.CorrelationKeys ?? [];
        if (keys.Count == 0) return;
        var root = -1;
        foreach (var key in keys)
        {
            if (!_keys.TryGetValue(key, out var index))
            {
                _keys[key] = index = _parent.Count;
                _parent.Add(index);
                var single = new Incident { Keys = 1 };
                Bounded(ref single.SampleKeys, key);
                if (key.StartsWith("actor:", StringComparison.Ordinal)) Bounded(ref single.Actors, key["actor:".Length..]);
                _incidents[index] = single;
            }
            var found = Find(index);
            root = root < 0 ? found : Union(root, found);
        }
        var incident = _incidents[root];
        incident.Reports++;
        if (report.ReceivedAt < incident.First) incident.First = report.ReceivedAt;
        if (report.ReceivedAt > incident.Last) incident.Last = report.ReceivedAt;
        Add(ref incident.States, report.Report.Jurisdiction?.State ?? "unknown");
        Add(ref incident.Partners, report.PartnerId);
        foreach (var t in report.Report.TargetedSystems) Add(ref incident.Methods, t);
        foreach (var e in report.Report.Effects) Add(ref incident.Methods, e);
    }

    /// <summary>The incidents of two or more reports, the largest first, at most the listed number; and how many there are.</summary>
    public (IReadOnlyList<IncidentEntry> Incidents, int Count) Build()
    {
        var linked = _incidents.Values.Where(i => i.Reports >= 2).ToList();
        return ([.. linked.OrderByDescending(i => i.Reports).ThenBy(i => i.First).ThenBy(i => i.SampleKeys!.Min, StringComparer.Ordinal).Take(listed)
            .Select(i => new IncidentEntry(i.Reports, i.First, i.Last, [.. i.States ?? []], i.Partners?.Count ?? 0, [.. i.Methods ?? []], [.. i.Actors ?? []],
                i.Keys, [.. i.SampleKeys ?? []]))],
            linked.Count);
    }

    private int Find(int index)
    {
        while (_parent[index] != index) index = _parent[index] = _parent[_parent[index]];
        return index;
    }

    private int Union(int a, int b)
    {
        if (a == b) return a;
        var (large, small) = _incidents[a].Reports + _incidents[a].Keys >= _incidents[b].Reports + _incidents[b].Keys ? (a, b) : (b, a);
        _parent[small] = large;
        _incidents[large].Merge(_incidents[small]);
        _incidents.Remove(small);
        return large;
    }

    private static void Add(ref SortedSet<string>? set, string value) => (set ??= new(StringComparer.Ordinal)).Add(value);

    private static void Bounded(ref SortedSet<string>? set, string value)
    {
        Add(ref set, value);
        if (set!.Count > Sample) set.Remove(set.Max!);
    }
}
