using System.Diagnostics;

namespace ElectionFunctions.Benchmarks;

/// <summary>How figures are written in docs/benchmarks.md, and running a child process for its output.</summary>
public static class Markdown
{
    public static string Micro(double ns) => ns >= 1e6 ? $"{ns / 1e6:0.00} ms" : $"{ns / 1e3:0.0} µs";
    public static string Ms(double ms) => $"{ms:0.0} ms";
    public static string Bytes(long bytes) => bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.0} MiB" : $"{bytes / 1024.0:0.0} KiB";

    public static string Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }
}
