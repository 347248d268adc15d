using System.Text;
using System.Text.Json;
using ElectionFunctions.Reporting;

namespace ElectionFunctions.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    /// <summary>Alone, so that what the heap holds is this test's.</summary>
    public const string Name = "memory";
}

/// <summary>
/// The package's memory is bounded by its list lengths, not by what reports name: 1,000 crafted reports of 50 new persons
/// and 20 governments each (a million person mentions) once took 1.98 GB. make bench measures the peak working set of the
/// same election (docs/benchmarks.md); this asserts what the aggregate holds, with a generous bound.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class PackageMemoryTests
{
    [Fact]
    public void A_crafted_election_folds_into_bounded_lists_with_their_totals()
    {
        var election = new Election { Id = "2026-11-03-general", Date = new DateOnly(2026, 11, 3) };
        var start = new DateTimeOffset(2026, 10, 20, 0, 0, 0, TimeSpan.Zero);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var tables = new PackageTables(TextWriter.Null, TextWriter.Null, TextWriter.Null, TextWriter.Null);
        var aggregator = new PackageAggregator(tables);
        foreach (var report in GeneratedElection.Crafted(election.Id, 1_000, start)) aggregator.Add(report);
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(aggregator);
        Assert.True(held < 32L << 20, $"The aggregate of the crafted election holds {held / (1 << 20)} MiB.");

        var package = aggregator.Build(election, 45, "final", "final", null, start.AddDays(30));
        Assert.Equal(20, package.SectionA.Governments.Count);
        Assert.All(package.SectionA.Governments, g =>
        {
            Assert.Equal(PackageAggregator.PersonsPerGovernment, g.Persons.Count);
            Assert.Equal(1_000 * 50, g.PersonMentions);
            Assert.False(g.PersonsExact);
        });
        Assert.Equal(PackageAggregator.Referrals, package.SectionC.Referrals.Count);
        Assert.Equal(1_000 * 50, package.SectionC.ReferralMentions);

        // Every file is bounded too: package.json, the page and the STIX bundle.
        var json = JsonSerializer.SerializeToUtf8Bytes(package, ElectionJsonContext.Default.ElectionPackage);
        var html = Encoding.UTF8.GetByteCount(PackageHtml.Render(package));
        var stix = Encoding.UTF8.GetByteCount(PackageStix.Build(package, aggregator.Indicators, aggregator.StrictestTlp).ToJsonString());
        Assert.True(json.Length < 1 << 20 && html < 1 << 20 && stix < 4 << 20, $"package.json {json.Length}, report.html {html}, package.stix.json {stix} bytes");
        Assert.True(StixTests.IsValidStix(PackageStix.Build(package, aggregator.Indicators, aggregator.StrictestTlp).ToJsonString()));
    }

    [Fact]
    public void Top_counts_are_exact_up_to_their_capacity_and_keep_the_frequent_beyond_it()
    {
        var counts = new TopCounts<string>(4, StringComparer.Ordinal);
        foreach (var key in "a a a b b c d".Split(' ')) counts.Add(key);
        Assert.True(counts.Exact);
        Assert.Equal([("a", 3), ("b", 2), ("c", 1), ("d", 1)], counts.Top(10));

        // Beyond capacity: a stream where "hot" is a third of the mentions among many one-off keys.
        var stream = new TopCounts<string>(8, StringComparer.Ordinal);
        for (var i = 0; i < 300; i++) stream.Add(i % 3 == 0 ? "hot" : $"cold-{i}");
        Assert.False(stream.Exact);
        Assert.Equal(300, stream.Total);
        var hot = Assert.Single(stream.Top(1));
        Assert.Equal("hot", hot.Key);
        // Never under the true count (100), and over it by at most Total / capacity.
        Assert.InRange(hot.Count, 100, 100 + 300 / 8);
    }
}
