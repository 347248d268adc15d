using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ElectionFunctions.LocalHost.Emulators;

/// <summary>
/// Azurite (Blob, Queue) and the Cosmos DB emulator from the repository's node_modules, on free
/// loopback ports, each behind guard.js so they stop when this process exits.
/// </summary>
public sealed class EmulatorProcesses : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string AzuriteAccount = "devstoreaccount1";
    public const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly List<Process> _processes = [];
    private readonly ILogger _logger;

    private EmulatorProcesses(ILogger logger) => _logger = logger;

    public string? StorageConnectionString { get; private set; }
    public Uri? CosmosEndpoint { get; private set; }

    public static async Task<EmulatorProcesses> StartAsync(bool storage, bool cosmos, ILogger logger, CancellationToken cancellationToken)
    {
        var emulators = new EmulatorProcesses(logger);
        try
        {
            var root = RepositoryRoot();
            var emulatorScripts = Path.Combine(AppContext.BaseDirectory, "Emulators");
            var starts = new List<Task>();
            if (storage)
            {
                int blob = FreePort(), queue = FreePort(), table = FreePort();
                var azurite = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
                emulators.Start(Path.Combine(emulatorScripts, "guard.js"), azurite, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
                    "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                    "--tableHost", "127.0.0.1", "--tablePort", table.ToString());
                emulators.StorageConnectionString =
                    $"DefaultEndpointsProtocol=http;AccountName={AzuriteAccount};AccountKey={AzuriteKey};" +
                    $"BlobEndpoint=http://127.0.0.1:{blob}/{AzuriteAccount};QueueEndpoint=http://127.0.0.1:{queue}/{AzuriteAccount};";
                starts.Add(WaitForPortAsync(blob, cancellationToken));
                starts.Add(WaitForPortAsync(queue, cancellationToken));
            }
            if (cosmos)
            {
                var port = FreePort();
                emulators.Start(Path.Combine(emulatorScripts, "guard.js"), Path.Combine(emulatorScripts, "cosmos-emulator.js"), "--host", "127.0.0.1", "--port", port.ToString());
                emulators.CosmosEndpoint = new Uri($"https://127.0.0.1:{port}/");
                starts.Add(WaitForPortAsync(port, cancellationToken));
            }
            await Task.WhenAll(starts).ConfigureAwait(false);
            return emulators;
        }
        catch
        {
            await emulators.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The folder holding package.json and node_modules (npm ci there installs the emulators).</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "node_modules", "azurite", "package.json"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("node_modules with azurite not found above the working directory; run 'npm ci' in the repository root.");
    }

    private void Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _logger.LogDebug("{Emulator}: {Line}", Path.GetFileName(arguments[1]), e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _logger.LogWarning("{Emulator}: {Line}", Path.GetFileName(arguments[1]), e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, timeout.Token).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.StandardInput.Close();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try { await process.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            process.Dispose();
        }
        _processes.Clear();
    }
}
