using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using static ElectionFunctions.Benchmarks.Markdown;

namespace ElectionFunctions.Benchmarks;

/// <summary>Section 1: the in-process decision cost per report (BenchmarkDotNet rows, then paired rounds that the targets are judged on).</summary>
public static class DecisionRuns
{
    private const int Rounds = 21, Operations = 20_000;

    public static void Write(StringBuilder md)
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1))
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<DecisionBenchmarks>(config);
        md.AppendLine("## 1. Decision per report, in process").AppendLine();
        md.AppendLine("| body | step | mean | allocated | ratio to baseline |").AppendLine("|---|---|---:|---:|---:|");
        var decisions = new Dictionary<string, (double Mean, double Baseline, long Allocated)>();
        foreach (var group in summary.Reports.GroupBy(r => r.BenchmarkCase.Parameters["Body"].ToString()!))
        {
            var baseline = group.Single(r => r.BenchmarkCase.Descriptor.Baseline).ResultStatistics!.Mean;
            foreach (var r in group)
            {
                var mean = r.ResultStatistics!.Mean;
                var allocated = r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0;
                md.AppendLine($"| {group.Key} | {r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo} | {Micro(mean)} | {Bytes(allocated)} | {mean / baseline:0.00}× |");
                if (r.BenchmarkCase.Descriptor.WorkloadMethod.Name == "Decide") decisions[group.Key] = (mean, baseline, allocated);
            }
        }
        var typical = decisions["typical-4KB"];
        md.AppendLine();
        md.AppendLine($"Typical report, in the rows above: {1e9 / typical.Mean:N0} decisions/s per core, {typical.Mean / typical.Baseline:0.00}× the baseline.").AppendLine();
        // BenchmarkDotNet measures each row at its own time, and on a shared machine a row disturbed alone moved this ratio from
        // 1.8× to 4.9× between two runs of the same commit; timing both back to back in alternating rounds cancels what they share.
        var paired = Paired(Rounds, Operations);
        md.AppendLine($"Paired rounds ({Rounds} rounds, each timing {Operations:N0} decisions and {Operations:N0} deserialisations of the typical report back to back, " +
                      $"in alternating order; medians): **{paired.Rate:N0} decisions/s per core** (target ≥ 50,000), **{paired.Ratio:0.00}× the baseline** (target ≤ 3×); " +
                      $"the rounds' ratios ranged {paired.Lowest:0.00}–{paired.Highest:0.00}×. The targets are judged on these.").AppendLine();
    }

    /// <summary>The typical report's decision against its deserialisation, timed back to back: medians of the rounds' rate and ratio.</summary>
    private static (double Rate, double Ratio, double Lowest, double Highest) Paired(int rounds, int operations)
    {
        var bench = new DecisionBenchmarks { Body = "typical-4KB" };
        bench.Setup();
        try
        {
            double Time<T>(Func<T> operation)
            {
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < operations; i++) operation();
                return watch.Elapsed.TotalSeconds;
            }
            Time(bench.Decide);
            Time(bench.Deserialize);
            var ratios = new List<double>();
            var decide = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                double decision, baseline;
                if (round % 2 == 0) (decision, baseline) = (Time(bench.Decide), Time(bench.Deserialize));
                else (baseline, decision) = (Time(bench.Deserialize), Time(bench.Decide));
                ratios.Add(decision / baseline);
                decide.Add(decision);
            }
            ratios.Sort();
            decide.Sort();
            return (operations / decide[rounds / 2], ratios[rounds / 2], ratios[0], ratios[^1]);
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
