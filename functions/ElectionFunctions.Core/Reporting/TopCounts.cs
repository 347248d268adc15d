namespace ElectionFunctions.Reporting;

/// <summary>
/// The most-mentioned keys of a stream in memory bounded by <paramref name="capacity"/>, not by the data (the
/// space-saving algorithm, Metwally, Agrawal and El Abbadi, 2005). While at most <paramref name="capacity"/>
/// distinct keys arrive, every count is exact (<see cref="Exact"/>); after that, every key mentioned more than
/// <see cref="Total"/> / capacity times is kept, and a kept count is high by at most that much. The same input in the
/// same order gives the same result, so a package rebuilds byte for byte.
/// </summary>
public sealed class TopCounts<TKey>(int capacity, IComparer<TKey> order) where TKey : notnull
{
    private readonly Dictionary<TKey, (int Count, long Seq)> _counts = [];
    // Once full: ordered by count, then by when the key came in; the first is the one to give its place. Not kept
    // before that, so that the usual election (fewer keys than the capacity) costs a dictionary increment per mention.
    private SortedSet<(int Count, long Seq)>? _least;
    private Dictionary<long, TKey>? _bySeq;
    private long _seq;

    /// <summary>Every mention, kept or not.</summary>
    public int Total { get; private set; }

    /// <summary>No key was ever dropped: the counts are the data's.</summary>
    public bool Exact { get; private set; } = true;

    public void Add(TKey key)
    {
        Total++;
        if (_counts.TryGetValue(key, out var entry))
        {
            Set(key, entry.Count + 1, entry.Seq, entry);
            return;
        }
        var count = 1;
        if (_counts.Count == capacity)
        {
            if (_least is null)
            {
                _least = [.. _counts.Values];
                _bySeq = _counts.ToDictionary(c => c.Value.Seq, c => c.Key);
            }
            // Full: the least-mentioned key (the earliest in of those) gives its place, and its count, to the new one.
            Exact = false;
            var least = _least.Min;
            _least.Remove(least);
            _counts.Remove(_bySeq![least.Seq]);
            _bySeq.Remove(least.Seq);
            count = least.Count + 1;
        }
        Set(key, count, _seq++, null);
    }

    private void Set(TKey key, int count, long seq, (int, long)? old)
    {
        _counts[key] = (count, seq);
        if (_least is null) return;
        if (old is { } previous) _least.Remove(previous);
        _least.Add((count, seq));
        _bySeq![seq] = key;
    }

    /// <summary>The <paramref name="n"/> most mentioned (ties in key order), listed in key order.</summary>
    public IReadOnlyList<(TKey Key, int Count)> Top(int n) =>
        [.. _counts.OrderByDescending(c => c.Value.Count).ThenBy(c => c.Key, order).Take(n).OrderBy(c => c.Key, order).Select(c => (c.Key, c.Value.Count))];
}
