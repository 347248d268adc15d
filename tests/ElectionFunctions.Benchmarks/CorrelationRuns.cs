using System.Diagnostics;
using System.Globalization;
using System.Text;
using ElectionFunctions.Correlation;
using ElectionFunctions.Intake;
using ElectionFunctions.Reporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using static ElectionFunctions.Benchmarks.Markdown;

namespace ElectionFunctions.Benchmarks;

/// <summary>
/// Section 5: correlation in process. Generated reports each carry one to three indicators drawn from a heavy-tailed
/// (Zipf, s = 1.1) distribution over a fixed number of keys, so a few keys are shared by thousands of reports and most
/// by a handful; each report's keys are computed (the shipped aliases and warning list) and folded into the package's
/// incidents. Each size runs in its own process; memory should follow the keys, not the reports.
/// </summary>
public static class CorrelationRuns
{
    private const int Keys = 50_000;

    public static void Write(StringBuilder md)
    {
        md.AppendLine("## 5. Correlation, in process").AppendLine();
        md.AppendLine($"Generated reports with 1–3 indicators each from {Keys:N0} keys on a Zipf (s = 1.1) distribution (the top key drawn 14% of the time, in about a quarter of the reports), " +
                      "keys computed with the shipped aliases and warning list, then folded into the package's incidents (union-find); each size in a fresh process.").AppendLine();
        md.AppendLine("| reports | time | reports/s | incidents | largest | peak working set |").AppendLine("|---:|---:|---:|---:|---:|---:|");
        var peaks = new Dictionary<int, long>();
        foreach (var n in new[] { 100_000, 1_000_000 })
        {
            var line = Run(Environment.ProcessPath!, "correlate", n.ToString(CultureInfo.InvariantCulture)).Trim().Split(' ');
            var (ms, peak, incidents, largest) = (double.Parse(line[0], CultureInfo.InvariantCulture), long.Parse(line[1], CultureInfo.InvariantCulture),
                int.Parse(line[2], CultureInfo.InvariantCulture), int.Parse(line[3], CultureInfo.InvariantCulture));
            peaks[n] = peak;
            md.AppendLine($"| {n:N0} | {ms / 1000:0.00} s | {n / (ms / 1000):N0} | {incidents:N0} | {largest:N0} | {Bytes(peak)} |");
        }
        md.AppendLine().AppendLine($"Peak at 1M / peak at 100k, same key count: **{(double)peaks[1_000_000] / peaks[100_000]:0.00}** (flat memory per key count: target ≤ 1.2).").AppendLine();
    }

    /// <summary>The child process: prints "elapsed_ms peak_bytes incidents largest".</summary>
    public static int Correlate(int count)
    {
        var options = new ConfigurationBuilder().AddElectionSettingsDefaults().Build().GetSection(CorrelationOptions.Section).Get<CorrelationOptions>()!;
        var keys = new CorrelationKeys(Options.Create(options));
        var template = GeneratedElection.Reports("2026-11-03-general", 1, new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero)).Single();
        template = template with { Classification = template.Classification! with { Indicators = [] } };
        // Zipf over the keys by inverse transform on the cumulative weights.
        var cumulative = new double[Keys];
        var total = 0.0;
        for (var k = 0; k < Keys; k++) cumulative[k] = total += 1 / Math.Pow(k + 1, 1.1);
        var random = new Random(18);
        int Draw() { var i = Array.BinarySearch(cumulative, random.NextDouble() * total); return i < 0 ? ~i : i; }

        var incidents = new PackageIncidents();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var indicators = Enumerable.Range(0, 1 + i % 3).Select(_ => new Indicator("domain", $"k{Draw()}.example")).ToList();
            var report = template with
            {
                Id = i.ToString("x32", CultureInfo.InvariantCulture),
                Report = template.Report with { Indicators = indicators },
            };
            var (found, _) = keys.For(report);
            incidents.Add(report with { Classification = report.Classification! with { CorrelationKeys = found } });
        }
        var (listed, all) = incidents.Build();
        watch.Stop();
        Console.WriteLine(string.Join(' ', watch.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture),
            Process.GetCurrentProcess().PeakWorkingSet64, all, listed.Count > 0 ? listed[0].Reports : 0));
        return 0;
    }
}
