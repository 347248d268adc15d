// Over 200 lines: every section's aggregate of the package in one streaming pass, in memory bounded by its lists' lengths.
using System.Globalization;
using CsvHelper;
using ElectionFunctions.Classification;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Reporting;

/// <summary>The CSV tables of a package, one writer each; rows are written while the reports stream past.</summary>
public sealed class PackageTables(TextWriter reports, TextWriter sectionA, TextWriter sectionB, TextWriter sectionC) : IDisposable
{
    public static readonly string[] Names = ["reports.csv", "section-a.csv", "section-b.csv", "section-c.csv"];

    public CsvWriter Reports { get; } = Open(reports, "reportId", "receivedAt", "routedAt", "status", "tlp", "state", "countyFips", "categories", "severity", "agencies", "governments");
    // Every row says the TLP of the report it comes from (never RED: those are ids in reports.csv only).
    public CsvWriter SectionA { get; } = Open(sectionA, "country", "reportId", "categories", "targets", "effects", "persons", "tlp");
    public CsvWriter SectionB { get; } = Open(sectionB, "part", "state", "system", "reportId", "materialEffects", "tlp");
    public CsvWriter SectionC { get; } = Open(sectionC, "name", "kind", "country", "role", "basis", "reportId", "tlp");

    /// <summary>RFC 4180, and names that a spreadsheet would run as a formula (partner text) escaped.</summary>
    private static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape };

    private static CsvWriter Open(TextWriter writer, params string[] header)
    {
        var csv = CsvWriter.Create(writer, Options, leaveOpen: false);
        csv.WriteHeader(header);
        return csv;
    }

    public void Dispose()
    {
        Reports.Dispose();
        SectionA.Dispose();
        SectionB.Dispose();
        SectionC.Dispose();
    }
}

/// <summary>
/// Folds an election's reports into the package sections as they stream past: memory holds the
/// aggregates (bounded by distinct governments, states, systems, persons and days), never the reports.
/// TLP:RED reports count in the statistics and appear by id only: nothing of their content is shown.
/// </summary>
public sealed class PackageAggregator(PackageTables tables, int personsPerGovernment = PackageAggregator.PersonsPerGovernment, int referrals = PackageAggregator.Referrals)
{
    /// <summary>
    /// Persons listed per government and referrals listed in section C: the most mentioned, with the total of mentions
    /// beside them; every one is in the CSV tables. Each is counted in four times as many places, so memory is bounded by
    /// these numbers whatever the reports name (1,000 reports of 50 actors and 20 governments once took 1.98 GB).
    /// </summary>
    public const int PersonsPerGovernment = 100, Referrals = 500;

    private static readonly HashSet<string> ElectionSystems =
        ["voter-registration-database", "e-pollbook", "voting-machine", "tabulation", "results-transmission", "results-reporting-website", "election-office-network", "election-vendor"];
    private static readonly HashSet<string> CampaignSystems = ["campaign-network", "campaign-email", "party-organization", "candidate"];
    /// <summary>Sec. 1(b): effects on security or integrity, tabulation, transmission; unauthorized access, disclosure, alteration.</summary>
    private static readonly HashSet<string> MaterialEffects =
        ["access-gained", "data-disclosed", "data-altered", "tabulation-affected", "transmission-delayed", "service-disrupted"];

    private sealed class Government(int persons)
    {
        public int Reports;
        public readonly SortedDictionary<string, int> Categories = new(StringComparer.Ordinal), Targets = new(StringComparer.Ordinal), Effects = new(StringComparer.Ordinal);
        public readonly TopCounts<(string Name, string Kind, string? Country, string Role)> Persons = new(4 * persons, Comparer<(string, string, string?, string)>.Default);
    }

    private sealed class Infrastructure
    {
        public int Reports;
        public readonly SortedDictionary<string, int> Effects = new(StringComparer.Ordinal);
    }

    private readonly SortedDictionary<string, Government> _governments = new(StringComparer.Ordinal);
    private readonly PackageIncidents _incidents = new();
    private readonly SortedDictionary<(string State, string System), Infrastructure> _infrastructure = new();
    private readonly SortedDictionary<(string State, string System), Infrastructure> _campaigns = new();
    private readonly TopCounts<(string Name, string Kind, string Country, string Role)> _referrals = new(4 * referrals, Comparer<(string, string, string, string)>.Default);
    private readonly SortedDictionary<string, int> _category = new(StringComparer.Ordinal), _state = new(StringComparer.Ordinal),
        _agency = new(StringComparer.Ordinal), _tlp = new(StringComparer.Ordinal), _severity = new(StringComparer.Ordinal), _status = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SortedDictionary<string, int>> _perDay = new(StringComparer.Ordinal);
    private readonly LogHistogram _routing = new();
    private readonly SortedDictionary<string, SortedDictionary<string, LogHistogram>> _acknowledge = new(StringComparer.Ordinal);
    private readonly List<OpenQuestion> _openQuestions = [];
    private int _openQuestionCount, _followUps;

    /// <summary>Open questions listed in Section D (all are counted): memory stays bounded whatever the election holds.</summary>
    public const int OpenQuestionsListed = 500;
    private readonly SortedSet<(string Type, string Value)> _indicators = new();
    private static readonly string[] TlpOrder = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT"];
    private int _failed;

    /// <summary>Distinct indicators of the in-scope reports shown (not TLP:RED), at most this many in the STIX export.</summary>
    public const int MaxIndicators = 10_000;

    public IReadOnlyCollection<Indicator> Indicators => [.. _indicators.Select(i => new Indicator(i.Type, i.Value))];

    /// <summary>The strictest marking among the reports whose content the package shows.</summary>
    public string StrictestTlp { get; private set; } = "CLEAR";

    public int Reports { get; private set; }
    public int RedReports { get; private set; }

    public void Add(ReportDocument report)
    {
        Reports++;
        var red = report.Tlp == "RED";
        var categories = report.Classification?.Categories ?? ["unclassified"];
        var r = report.Report;

        // A TLP:RED report is one total and its id, nothing more: no status, state, severity, category, agency, day,
        // time or government of it is counted anywhere, since one RED report in a breakdown would show them.
        if (red)
        {
            RedReports++;
            Count(_tlp, report.Tlp);
            Row(tables.Reports, report.Id, "", "", "", report.Tlp, "", "", "", "", "", "");
            return;
        }
        // A follow-up repeats the report it answers (state, categories, governments): counted apart, never twice in the breakdowns.
        if (report.AmendmentOf is not null)
        {
            _followUps++;
            return;
        }
        Count(_status, report.Status);
        Count(_tlp, report.Tlp);
        Count(_state, r.Jurisdiction?.State ?? "unknown");
        Count(_severity, report.Classification?.Severity ?? "unclassified");
        foreach (var c in categories) Count(_category, c);
        foreach (var a in report.Routing.Where(a => a.Status == RoutingStatus.Sent)) Count(_agency, a.Agency);
        var day = report.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (!_perDay.TryGetValue(day, out var perDay)) _perDay[day] = perDay = new(StringComparer.Ordinal);
        foreach (var c in categories) Count(perDay, c);
        if (report.Status == ReportStatus.Failed) _failed++;
        if (report.RoutedAt is { } routedAt) _routing.Add((routedAt - report.ReceivedAt).TotalSeconds);
        foreach (var ack in report.Acknowledgements)
        {
            if (report.Routing.FirstOrDefault(a => a.Agency == ack.Agency)?.At is { } sentAt)
            {
                if (!_acknowledge.TryGetValue(ack.Agency, out var bySeverity)) _acknowledge[ack.Agency] = bySeverity = new(StringComparer.Ordinal);
                var severity = report.Classification?.Severity ?? "unclassified";
                if (!bySeverity.TryGetValue(severity, out var histogram)) bySeverity[severity] = histogram = new LogHistogram();
                histogram.Add(Math.Max(0, (ack.AcknowledgedAt - sentAt).TotalSeconds));
            }
            // Open: asked, and no follow-up since the question was (last) put.
            if (ack.Disposition == Acknowledgements.Dispositions.NeedsMoreInformation && !report.Amendments.Any(f => f.ReceivedAt >= ack.UpdatedAt))
            {
                _openQuestionCount++;
                if (_openQuestions.Count < OpenQuestionsListed) _openQuestions.Add(new OpenQuestion(report.Id, ack.Agency, ack.UpdatedAt, ack.Question ?? ""));
            }
        }

        var agencies = report.Routing.Where(a => a.Status == RoutingStatus.Sent).Select(a => a.Agency);
        var governments = r.SuspectedForeignGovernments ?? [];
        Row(tables.Reports, report.Id, Time(report.ReceivedAt), Time(report.RoutedAt), report.Status, report.Tlp, r.Jurisdiction?.State ?? "",
            r.Jurisdiction?.CountyFips ?? "", Join(categories), report.Classification?.Severity ?? "", Join(agencies), Join(governments));

        if (Array.IndexOf(TlpOrder, report.Tlp) > Array.IndexOf(TlpOrder, StrictestTlp)) StrictestTlp = report.Tlp;
        if (report.Classification is not { InScope: true }) return;
        _incidents.Add(report);
        foreach (var i in ReportIndicators.All(report))
            if (_indicators.Count < MaxIndicators) _indicators.Add((i.Type!, i.Value!));
        var targets = r.TargetedSystems ?? [];
        var effects = r.Effects ?? [];
        var actors = r.NamedActors ?? [];

        foreach (var country in governments)
        {
            var g = Entry(_governments, country);
            g.Reports++;
            foreach (var c in categories) Count(g.Categories, c);
            foreach (var t in targets) Count(g.Targets, t);
            foreach (var e in effects) Count(g.Effects, e);
            // Persons of this government: actors of its country, or of no stated country.
            var persons = actors.Where(a => a.Country is null || a.Country == country).ToList();
            foreach (var a in persons) g.Persons.Add((a.Name!, a.Kind!, a.Country, a.Role ?? "engaged"));
            Row(tables.SectionA, country, report.Id, Join(categories), Join(targets), Join(effects), Join(persons.Select(p => p.Name!)), report.Tlp);
        }

        var material = effects.Where(MaterialEffects.Contains).ToList();
        var state = r.Jurisdiction?.State ?? "unknown";
        if (categories.Contains(Categories.ElectionInfrastructure))
            foreach (var system in targets.Where(ElectionSystems.Contains)) AddInfrastructure(_infrastructure, "i", state, system, report, material);
        if (categories.Contains(Categories.CampaignInfrastructure))
            foreach (var system in targets.Where(CampaignSystems.Contains)) AddInfrastructure(_campaigns, "ii", state, system, report, material);

        foreach (var a in actors.Where(a => a.Country is { } c ? c != "US" : governments.Count > 0))
        {
            var country = a.Country ?? string.Join("/", governments);
            var role = a.Role ?? "engaged";
            var key = (a.Name!, a.Kind!, country, role);
            _referrals.Add(key);
            Row(tables.SectionC, a.Name!, a.Kind!, country, role, Basis(role), report.Id, report.Tlp);
        }
    }

    public ElectionPackage Build(Election election, int dueDays, string version, string kind, DateTimeOffset? receivedFrom, DateTimeOffset receivedThrough)
    {
        var (incidents, incidentCount) = _incidents.Build();
        return new(
        "1.0", election.Id, election.Date, election.Date.AddDays(dueDays), version, kind, receivedFrom, receivedThrough, Reports, RedReports, StrictestTlp,
        new SectionA([.. _governments.Select(g => new GovernmentEntry(g.Key, g.Value.Reports, g.Value.Categories, g.Value.Targets, g.Value.Effects,
            [.. g.Value.Persons.Top(personsPerGovernment).Select(p => new PersonEntry(p.Key.Name, p.Key.Kind, p.Key.Country, p.Key.Role, p.Count))],
            g.Value.Persons.Total, g.Value.Persons.Exact))], incidents, incidentCount),
        new SectionB(Entries(_infrastructure), Entries(_campaigns)),
        new SectionC([.. _referrals.Top(referrals).Select(r => new ReferralEntry(r.Key.Name, r.Key.Kind, r.Key.Country, r.Key.Role, Basis(r.Key.Role), r.Count))],
            _referrals.Total, _referrals.Exact),
        new SectionD(_category, _state, _agency, _tlp, _severity, _status,
            _perDay.ToDictionary(d => d.Key, d => (IReadOnlyDictionary<string, int>)d.Value, StringComparer.Ordinal),
            _routing.Summary(), _failed)
        {
            TimeToAcknowledge = _acknowledge.ToDictionary(a => a.Key,
                a => (IReadOnlyDictionary<string, Durations>)a.Value.ToDictionary(s => s.Key, s => s.Value.Summary(), StringComparer.Ordinal), StringComparer.Ordinal),
            OpenQuestions = [.. _openQuestions],
            OpenQuestionCount = _openQuestionCount,
            FollowUps = _followUps,
        });
    }

    /// <summary>The order's Sec. 2 ground for each role.</summary>
    public static string Basis(string role) => role switch
    {
        "engaged" => "Sec. 2(a)(i): engaged in, sponsored, concealed or been complicit in foreign interference",
        "supported" => "Sec. 2(a)(ii): materially assisted, sponsored or supported foreign interference",
        _ => "Sec. 2(a)(iii): owned or controlled by, or acting for, a person blocked under the order",
    };

    private void AddInfrastructure(SortedDictionary<(string, string), Infrastructure> into, string part, string state, string system, ReportDocument report, List<string> material)
    {
        if (!into.TryGetValue((state, system), out var entry)) into[(state, system)] = entry = new Infrastructure();
        entry.Reports++;
        foreach (var e in material) Count(entry.Effects, e);
        Row(tables.SectionB, part, state, system, report.Id, Join(material), report.Tlp);
    }

    private static IReadOnlyList<InfrastructureEntry> Entries(SortedDictionary<(string State, string System), Infrastructure> entries) =>
        [.. entries.Select(e => new InfrastructureEntry(e.Key.State, e.Key.System, e.Value.Reports, e.Value.Effects))];

    private Government Entry(SortedDictionary<string, Government> governments, string country)
    {
        if (!governments.TryGetValue(country, out var g)) governments[country] = g = new Government(personsPerGovernment);
        return g;
    }

    private static void Count(SortedDictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static string Join(IEnumerable<string> values) => string.Join(";", values);

    private static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "";

    private static void Row(CsvWriter csv, params string[] fields) => csv.WriteRecord(fields);
}

/// <summary>Durations in logarithmic buckets 2% wide from 1 ms to about 12 days: fixed memory, deterministic percentiles.</summary>
public sealed class LogHistogram
{
    private const double Base = 0.001, Growth = 1.02;
    private readonly long[] _buckets = new long[1000];
    private long _count;
    private double _max;

    public void Add(double seconds)
    {
        var value = Math.Max(seconds, 0);
        _buckets[Math.Clamp(value <= Base ? 0 : (int)Math.Ceiling(Math.Log(value / Base, Growth)), 0, _buckets.Length - 1)]++;
        _count++;
        _max = Math.Max(_max, value);
    }

    public Durations Summary() => _count == 0
        ? new Durations(0, null, null, null, null)
        : new Durations((int)_count, Percentile(0.50), Percentile(0.95), Percentile(0.99), Math.Round(_max, 3));

    /// <summary>The upper bound of the bucket holding the percentile, never above the maximum seen.</summary>
    private double Percentile(double p)
    {
        var rank = (long)Math.Ceiling(p * _count);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= rank) return Math.Round(Math.Min(Base * Math.Pow(Growth, i), _max), 3);
        }
        return Math.Round(_max, 3);
    }
}
