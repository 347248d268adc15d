using System.Globalization;
using System.Text;
using ElectionFunctions.Benchmarks;

// make bench: every figure below in one run on this machine, written to docs/benchmarks.md.
// Child mode: "fold N" folds N generated reports into a package in process and prints "elapsed_ms peak_bytes".
if (args is ["fold", var countText]) return PackageRuns.Fold(int.Parse(countText, CultureInfo.InvariantCulture));
if (args is ["fold-crafted"]) return PackageRuns.FoldCrafted();
if (args is ["correlate", var reportsText]) return CorrelationRuns.Correlate(int.Parse(reportsText, CultureInfo.InvariantCulture));

var output = args.SkipWhile(a => a != "--write").Skip(1).FirstOrDefault() ?? "docs/benchmarks.md";
var md = new StringBuilder();
var commit = Markdown.Run("git", "rev-parse", "--short", "HEAD").Trim();
md.AppendLine("# Benchmarks").AppendLine();
md.AppendLine($"Run by `make bench` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit `{commit}`, on {Environment.ProcessorCount} cores, " +
              $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
              $".NET {Environment.Version}. These machines are shared and noisy: each target is a ratio measured within this one run; absolute figures are for orientation only.").AppendLine();

DecisionRuns.Write(md);
// Intake and the package compile share one host; the cost run has its own (run first on the load's emulators, it
// left Azurite stalling past the 10 s timeout in the later concurrency-64 run, three runs of three).
await using (var host = await BenchHost.StartAsync())
{
    await IntakeRuns.WriteAsync(md, host);
    await PackageRuns.WriteCompileAsync(md, host);
}
PackageRuns.WriteMemory(md);
CorrelationRuns.Write(md);
await using (var host = await BenchHost.StartAsync())
    await CostRuns.WriteAsync(md, host);

File.WriteAllText(output, md.ToString() + File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "analysis.md")));
Console.WriteLine(md);
return 0;
