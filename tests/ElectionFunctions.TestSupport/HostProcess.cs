using System.Collections.Concurrent;
using System.Diagnostics;

namespace ElectionFunctions.TestSupport;

/// <summary>
/// A host as its own process (the local host for the fault tests, the real Functions host for its scenarios): started
/// with settings as environment variables ('__' for ':', as app settings are), its output kept for failure messages,
/// ready when GET /api/health answers 200, and killable (SIGKILL: no shutdown, no lease given back).
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly int _keep;
    private Process? _process;

    private HostProcess(int keep) => _keep = keep;

    public static HostProcess Start(string dll, string workingDirectory, IEnumerable<KeyValuePair<string, string?>> settings,
        Action<ProcessStartInfo>? configure = null, int keepLines = 500)
    {
        var host = new HostProcess(keepLines);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__")] = value;
        configure?.Invoke(info);
        host._process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dll}.");
        host._process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Polls GET /api/health until 200; throws with the host's output when the process exits or <paramref name="within"/> passes.</summary>
    public async Task WaitHealthyAsync(Uri host, TimeSpan within, string what, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                using var health = await probe.GetAsync("/api/health", cancellationToken);
                if (health.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { }
            if (_process!.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"{what} did not become healthy:\n" + Output(80));
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>The last lines the host wrote (for a failure message).</summary>
    public string Output(int lines = 60) => string.Join('\n', _output.TakeLast(lines));

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > _keep) _output.TryDequeue(out _);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _process = null;
    }
}
