using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ElectionFunctions.IntegrationTests;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol (a WebSocket; no driver package): navigate, evaluate,
/// screenshot, and every console message, uncaught exception and browser log entry (CSP refusals among them) collected.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private int _id;

    /// <summary>What the page said that a person would not want to see: console errors and warnings, exceptions, refusals.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    private HeadlessChromium(Process process, DirectoryInfo profile) => (_process, _profile) = (process, profile);

    public static async Task<HeadlessChromium> StartAsync(CancellationToken cancellationToken)
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is not installed: run make test (it installs it as root) or apt-get install chromium.");
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        var start = new ProcessStartInfo("/usr/bin/chromium") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--remote-debugging-port=0", $"--user-data-dir={profile.FullName}", "--window-size=1920,1080", "about:blank" })
            start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var chromium = new HeadlessChromium(process, profile);
        // Chromium writes its port once it listens; waits as long as the process lives.
        var portFile = Path.Combine(profile.FullName, "DevToolsActivePort");
        while (!File.Exists(portFile) || (await File.ReadAllLinesAsync(portFile, cancellationToken)).Length < 2)
        {
            Assert.False(process.HasExited, "chromium exited before it listened");
            await Task.Delay(100, cancellationToken);
        }
        var port = (await File.ReadAllLinesAsync(portFile, cancellationToken))[0];
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", cancellationToken))!.AsArray();
        var page = targets.First(t => t!["type"]!.GetValue<string>() == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
        await chromium._socket.ConnectAsync(new Uri(page), cancellationToken);
        chromium._receiving = chromium.ReceiveAsync();
        foreach (var domain in new[] { "Runtime.enable", "Log.enable", "Page.enable" }) await chromium.SendAsync(domain, null, cancellationToken);
        return chromium;
    }

    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _id);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);
        return await answer.Task.WaitAsync(cancellationToken);
    }

    public Task NavigateAsync(string url, CancellationToken cancellationToken) => SendAsync("Page.navigate", new JsonObject { ["url"] = url }, cancellationToken);

    /// <summary>A JavaScript expression's value, as text.</summary>
    public async Task<string> EvaluateAsync(string expression, CancellationToken cancellationToken)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true }, cancellationToken);
        var value = result.GetProperty("result");
        return value.TryGetProperty("value", out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText() : "";
    }

    public async Task<byte[]> ScreenshotAsync(CancellationToken cancellationToken) =>
        Convert.FromBase64String((await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, cancellationToken)).GetProperty("data").GetString()!);

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var read = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (read.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, read.Count);
                if (!read.EndOfMessage) continue;
                using var document = JsonDocument.Parse(message.ToArray());
                message.SetLength(0);
                var root = document.RootElement;
                if (root.TryGetProperty("id", out var id) && _pending.TryRemove(id.GetInt32(), out var answer))
                {
                    if (root.TryGetProperty("error", out var error)) answer.SetException(new InvalidOperationException(error.GetRawText()));
                    else answer.SetResult(root.GetProperty("result").Clone());
                }
                else if (root.TryGetProperty("method", out var method)) Observe(method.GetString()!, root.GetProperty("params"));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }
    }

    private void Observe(string method, JsonElement parameters)
    {
        switch (method)
        {
            case "Runtime.consoleAPICalled" when parameters.GetProperty("type").GetString() is "error" or "warning" or "assert":
                Problems.Enqueue("console: " + string.Join(" ", parameters.GetProperty("args").EnumerateArray().Select(a => a.TryGetProperty("value", out var v) ? v.ToString() : a.GetRawText())));
                break;
            case "Runtime.exceptionThrown":
                Problems.Enqueue("exception: " + parameters.GetProperty("exceptionDetails").GetRawText());
                break;
            case "Log.entryAdded" when parameters.GetProperty("entry").GetProperty("level").GetString() is "error" or "warning":
                Problems.Enqueue("log: " + parameters.GetProperty("entry").GetProperty("text").GetString());
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }
        await _receiving;
        _socket.Dispose();
        _process.Dispose();
        _stop.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
