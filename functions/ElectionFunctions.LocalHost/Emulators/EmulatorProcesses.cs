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

    private readonly ILogger _logger;
    private Emulator? _storage;
    private Emulator? _cosmos;

    private EmulatorProcesses(ILogger logger) => _logger = logger;

    public string? StorageConnectionString { get; private set; }
    public Uri? CosmosEndpoint { get; private set; }

    /// <param name="storageLocation">A folder for Azurite's data, so that it survives <see cref="StopStorageAsync"/>; null keeps it in memory.</param>
    public static async Task<EmulatorProcesses> StartAsync(bool storage, bool cosmos, ILogger logger, CancellationToken cancellationToken, string? storageLocation = null)
    {
        var emulators = new EmulatorProcesses(logger);
        try
        {
            var root = RepositoryRoot();
            var guard = Path.Combine(AppContext.BaseDirectory, "Emulators", "guard.js");
            if (storage)
            {
                int blob = FreePort(), queue = FreePort(), table = FreePort();
                var azurite = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
                string[] persistence = storageLocation is null ? ["--inMemoryPersistence"] : ["--location", storageLocation];
                emulators._storage = new Emulator("azurite", [guard, azurite, "--silent", .. persistence, "--skipApiVersionCheck", "--loose",
                    "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                    "--tableHost", "127.0.0.1", "--tablePort", table.ToString()], [blob, queue], storageLocation is not null);
                emulators.StorageConnectionString =
                    $"DefaultEndpointsProtocol=http;AccountName={AzuriteAccount};AccountKey={AzuriteKey};" +
                    $"BlobEndpoint=http://127.0.0.1:{blob}/{AzuriteAccount};QueueEndpoint=http://127.0.0.1:{queue}/{AzuriteAccount};";
            }
            if (cosmos)
            {
                var port = FreePort();
                emulators._cosmos = new Emulator("cosmos", [guard, Path.Combine(AppContext.BaseDirectory, "Emulators", "cosmos-emulator.js"),
                    "--host", "127.0.0.1", "--port", port.ToString()], [port], Persistent: false);
                emulators.CosmosEndpoint = new Uri($"https://127.0.0.1:{port}/");
            }
            await Task.WhenAll(new[] { emulators._storage, emulators._cosmos }.OfType<Emulator>().Select(e => emulators.StartAsync(e, cancellationToken))).ConfigureAwait(false);
            return emulators;
        }
        catch
        {
            await emulators.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops Azurite (gracefully: it saves its data) and waits until its ports refuse connections. Needs a storage location.</summary>
    public async Task StopStorageAsync(CancellationToken cancellationToken)
    {
        var storage = _storage ?? throw new InvalidOperationException("Azurite was not started here.");
        if (!storage.Persistent) throw new InvalidOperationException("Azurite keeps its data in memory; start it with a storage location to stop and restart it.");
        await StopAsync(storage.Process!).ConfigureAwait(false);
        storage.Process = null;
        await Task.WhenAll(storage.Ports.Select(p => WaitForPortAsync(p, open: false, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Starts Azurite again on the same ports and the same data.</summary>
    public Task StartStorageAsync(CancellationToken cancellationToken) =>
        StartAsync(_storage ?? throw new InvalidOperationException("Azurite was not started here."), cancellationToken);

    /// <summary>The Cosmos DB emulator closes its port and drops every connection, keeping its data (an outage, see cosmos-emulator.js).</summary>
    public Task SuspendCosmosAsync(CancellationToken cancellationToken) => SignalCosmosAsync("down", open: false, cancellationToken);

    /// <summary>The Cosmos DB emulator listens again.</summary>
    public Task ResumeCosmosAsync(CancellationToken cancellationToken) => SignalCosmosAsync("up", open: true, cancellationToken);

    private async Task SignalCosmosAsync(string command, bool open, CancellationToken cancellationToken)
    {
        var cosmos = _cosmos ?? throw new InvalidOperationException("The Cosmos DB emulator was not started here.");
        await cosmos.Process!.StandardInput.WriteLineAsync(command.AsMemory(), cancellationToken).ConfigureAwait(false);
        await cosmos.Process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        await WaitForPortAsync(cosmos.Ports[0], open, cancellationToken).ConfigureAwait(false);
    }

    private async Task StartAsync(Emulator emulator, CancellationToken cancellationToken)
    {
        emulator.Process = Start(emulator.Name, emulator.Arguments);
        await Task.WhenAll(emulator.Ports.Select(p => WaitForPortAsync(p, open: true, cancellationToken))).ConfigureAwait(false);
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

    private Process Start(string name, string[] arguments)
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
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _logger.LogDebug("{Emulator}: {Line}", name, e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _logger.LogWarning("{Emulator}: {Line}", name, e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A loopback port free at this moment.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port, bool open, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
                if (open) return;
            }
            catch (SocketException)
            {
                if (!open) return;
            }
            await Task.Delay(100, timeout.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Closing stdin tells guard.js to stop the emulator (SIGTERM, then SIGKILL after 3 s).</summary>
    private static async Task StopAsync(Process process)
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

    public async ValueTask DisposeAsync()
    {
        foreach (var emulator in new[] { _storage, _cosmos })
        {
            if (emulator?.Process is { } process) await StopAsync(process).ConfigureAwait(false);
            emulator?.Process = null;
        }
    }

    private sealed record Emulator(string Name, string[] Arguments, int[] Ports, bool Persistent)
    {
        public Process? Process { get; set; }
    }
}
