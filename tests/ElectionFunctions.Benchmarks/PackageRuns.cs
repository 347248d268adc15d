using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using ElectionFunctions.Reporting;
using ElectionFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;
using static ElectionFunctions.Benchmarks.Markdown;

namespace ElectionFunctions.Benchmarks;

/// <summary>Section 3: the package compile over 10,000 reports in the Cosmos emulator, and the fold's time and memory in process.</summary>
public static class PackageRuns
{
    public static async Task WriteCompileAsync(StringBuilder md, BenchHost host)
    {
        // Its own container, read in one page: the emulator rescans and resorts the whole container for every
        // page, so the intake runs' documents and small pages would measure the emulator, not the compile.
        var cosmosOptions = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CosmosOptions>>().Value;
        var cosmos = host.Services.GetRequiredService<Microsoft.Azure.Cosmos.CosmosClient>();
        await cosmos.GetDatabase(cosmosOptions.Database).CreateContainerIfNotExistsAsync(new Microsoft.Azure.Cosmos.ContainerProperties("bench-reports", "/id"));
        var store = new ReportStore(cosmos, Microsoft.Extensions.Options.Options.Create(new CosmosOptions
        {
            Endpoint = cosmosOptions.Endpoint, Database = cosmosOptions.Database, ReportsContainer = "bench-reports", QueryPageSize = 10_000,
        }));
        var election = new Election { Id = "2026-11-03-bench", Date = new DateOnly(2026, 11, 3) };
        await Parallel.ForEachAsync(GeneratedElection.Reports(election.Id, 10_000, new DateTimeOffset(2026, 10, 20, 0, 0, 0, TimeSpan.Zero)),
            new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (r, ct) => await store.TryCreateAsync(r, ct));
        var drain = Stopwatch.StartNew();
        var drained = 0;
        await foreach (var _ in store.QueryElectionAsync(election.Id, CancellationToken.None)) drained++;
        drain.Stop();
        var compiler = new PackageCompiler(store, host.Services.GetRequiredService<PackageStore>(), host.Services.GetRequiredService<BlobServiceClient>(),
            Microsoft.Extensions.Options.Options.Create(new ElectionsOptions { Calendar = [election] }), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<PackageCompiler>.Instance);
        var compile = Stopwatch.StartNew();
        var compiled = await compiler.CompileAsync(election.Id, CancellationToken.None);
        compile.Stop();
        md.AppendLine("## 3. Package compile").AppendLine();
        md.AppendLine($"| run | reports | time | ratio |").AppendLine("|---|---:|---:|---:|");
        md.AppendLine($"| bare drain of the election's query (baseline) | {drained:N0} | {drain.Elapsed.TotalSeconds:0.00} s | 1.00 |");
        md.AppendLine($"| compile: query, aggregate, 8 files to Blob | {compiled.Package!.Reports:N0} | {compile.Elapsed.TotalSeconds:0.00} s | **{compile.Elapsed / drain.Elapsed:0.00}** |");
        md.AppendLine().AppendLine("Target: ≤ 1.2× the drain.").AppendLine();
    }

    /// <summary>In process, from an in-memory source: time and peak working set, each size in its own process (<see cref="Fold"/>).</summary>
    public static void WriteMemory(StringBuilder md)
    {
        md.AppendLine("In process, from an in-memory source of generated reports (CSV tables to a null stream), each size in a fresh process:").AppendLine();
        md.AppendLine("| reports | time | reports/s | peak working set |").AppendLine("|---:|---:|---:|---:|");
        var peaks = new Dictionary<int, long>();
        foreach (var n in new[] { 100_000, 1_000_000 })
        {
            var line = Run(Environment.ProcessPath!, "fold", n.ToString(CultureInfo.InvariantCulture)).Trim().Split(' ');
            var (ms, peak) = (double.Parse(line[0], CultureInfo.InvariantCulture), long.Parse(line[1], CultureInfo.InvariantCulture));
            peaks[n] = peak;
            md.AppendLine($"| {n:N0} | {ms / 1000:0.00} s | {n / (ms / 1000):N0} | {Bytes(peak)} |");
        }
        md.AppendLine().AppendLine($"Peak at 1M / peak at 100k: **{(double)peaks[1_000_000] / peaks[100_000]:0.00}** (target ≤ 1.2).").AppendLine();

        // The review's crafted election: a million person mentions, each name new (it once took 1.98 GB).
        var crafted = Run(Environment.ProcessPath!, "fold-crafted").Trim().Split(' ');
        var (craftedMs, craftedPeak) = (double.Parse(crafted[0], CultureInfo.InvariantCulture), long.Parse(crafted[1], CultureInfo.InvariantCulture));
        md.AppendLine($"Crafted election (1,000 reports, each naming 50 new persons of no stated country and 20 suspected governments: 1,000,000 person mentions), " +
                      $"folded and its package.json, report.html and package.stix.json written, in a fresh process: {craftedMs / 1000:0.00} s, " +
                      $"peak working set **{Bytes(craftedPeak)}** (target < 300 MB).").AppendLine();
    }

    /// <summary>The child process for the crafted election: prints "elapsed_ms peak_bytes".</summary>
    public static int FoldCrafted()
    {
        var election = new Election { Id = "2026-11-03-general", Date = new DateOnly(2026, 11, 3) };
        var start = new DateTimeOffset(2026, 10, 20, 0, 0, 0, TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        using (var tables = new PackageTables(TextWriter.Null, TextWriter.Null, TextWriter.Null, TextWriter.Null))
        {
            var aggregator = new PackageAggregator(tables);
            foreach (var report in GeneratedElection.Crafted(election.Id, 1_000, start)) aggregator.Add(report);
            var package = aggregator.Build(election, 45, "final", "final", null, start.AddDays(30));
            System.Text.Json.JsonSerializer.Serialize(Stream.Null, package, ElectionJsonContext.Default.ElectionPackage);
            using (var html = new StreamWriter(Stream.Null)) html.Write(PackageHtml.Render(package));
            using var stix = new System.Text.Json.Utf8JsonWriter(Stream.Null);
            PackageStix.Build(package, aggregator.Indicators, aggregator.StrictestTlp).WriteTo(stix);
        }
        watch.Stop();
        Console.WriteLine($"{watch.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} {Process.GetCurrentProcess().PeakWorkingSet64}");
        return 0;
    }

    /// <summary>The child process: folds <paramref name="count"/> generated reports and prints "elapsed_ms peak_bytes".</summary>
    public static int Fold(int count)
    {
        // 256 classified templates, cloned with fresh ids and times: generation costs little next to the fold.
        var templates = GeneratedElection.Reports("2026-11-03-general", 256, new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero)).ToArray();
        var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        using (var tables = new PackageTables(TextWriter.Null, TextWriter.Null, TextWriter.Null, TextWriter.Null))
        {
            var aggregator = new PackageAggregator(tables);
            for (var i = 0; i < count; i++)
                aggregator.Add(templates[i % templates.Length] with { Id = i.ToString("x32", CultureInfo.InvariantCulture), ReceivedAt = start.AddSeconds(i * 3 % 3_888_000) });
            _ = aggregator.Build(new Election { Id = "2026-11-03-general", Date = new DateOnly(2026, 11, 3) }, 45, "final", "final", null, start.AddDays(45));
        }
        watch.Stop();
        Console.WriteLine($"{watch.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} {Process.GetCurrentProcess().PeakWorkingSet64}");
        return 0;
    }
}
