using ElectionFunctions.LocalHost;
using ElectionFunctions.LocalHost.Emulators;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ElectionFunctions.TestSupport;

/// <summary>
/// The local host in this process, on a free loopback port: on emulators it starts (Azurite, the Cosmos DB emulator)
/// unless the settings name stores. Stopped, emulators included, when disposed.
/// </summary>
public sealed class InProcessHost : IAsyncDisposable
{
    private InProcessHost(WebApplication app, EmulatorProcesses emulators, HttpClient http) => (App, Emulators, Http) = (app, emulators, http);

    public WebApplication App { get; }
    public EmulatorProcesses Emulators { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => App.Services;

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<InProcessHost> StartAsync(TestIdentity identity, IDictionary<string, string?> settings, CancellationToken cancellationToken,
        TimeSpan? clientTimeout = null, int maxConnections = int.MaxValue)
    {
        var all = new Dictionary<string, string?>(settings) { [identity.Setting.Key] = identity.Setting.Value };
        all.TryAdd("urls", "http://127.0.0.1:0");
        var (app, emulators) = await LocalHostApp.BuildAsync([], all, cancellationToken);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            await emulators.DisposeAsync();
            throw;
        }
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections })
        {
            BaseAddress = new Uri(app.Urls.First()),
            Timeout = clientTimeout ?? TimeSpan.FromSeconds(30),
        };
        return new InProcessHost(app, emulators, http);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        await Emulators.DisposeAsync();
    }
}
