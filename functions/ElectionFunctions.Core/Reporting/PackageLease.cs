using Microsoft.Extensions.Logging;

namespace ElectionFunctions.Reporting;

/// <summary>
/// The compile lease in the election's package state, taken with its ETag and renewed every third of its length
/// while the compile runs, so a long compile cannot lose it and a crashed one frees it within one length. If a
/// renewal finds the state changed (another compile took the lease after a stall), <see cref="Lost"/> is cancelled
/// and the compile stops before it writes the manifest.
/// </summary>
public sealed partial class PackageLease : IAsyncDisposable
{
    private readonly PackageStore _states;
    private readonly TimeProvider _time;
    private readonly TimeSpan _length;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    // The renewal loop and ConfirmAsync both write with the ETag: one at a time.
    private readonly SemaphoreSlim _write = new(1, 1);
    private Task _renewing = Task.CompletedTask;
    private string _etag;
    private bool _released;

    private PackageLease(PackageStore states, TimeProvider time, TimeSpan length, ILogger logger, PackageState state, string etag)
    {
        (_states, _time, _length, _logger, State, _etag) = (states, time, length, logger, state, etag);
    }

    /// <summary>The state as this holder last wrote it.</summary>
    public PackageState State { get; private set; }

    public CancellationToken Lost => _lost.Token;

    /// <summary>The lease, or null when another compile holds it (or took it first).</summary>
    public static async Task<PackageLease?> TryTakeAsync(PackageStore states, string electionId, TimeProvider time, TimeSpan length, ILogger logger,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = await states.ReadOrCreateAsync(electionId, cancellationToken).ConfigureAwait(false);
        if (current.Value.LeaseHolder is not null && current.Value.LeaseUntil > now) return null;
        var leased = current.Value with { LeaseHolder = Guid.NewGuid().ToString("N"), LeaseUntil = now + length };
        if (await states.TryReplaceAsync(leased, current.ETag, cancellationToken).ConfigureAwait(false) is not { } etag) return null;
        var lease = new PackageLease(states, time, length, logger, leased, etag);
        lease._renewing = lease.RenewAsync();
        return lease;
    }

    private async Task RenewAsync()
    {
        try
        {
            var wait = _length / 3;
            while (true)
            {
                await Task.Delay(wait, _time, _stop.Token).ConfigureAwait(false);
                try
                {
                    if (!await TryRenewAsync(_stop.Token).ConfigureAwait(false)) return;
                    wait = _length / 3;
                }
                catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    // Cosmos DB slow or away: try again soon; once the lease is about to run out, the compile stops.
                    LogRenewFailed(_logger, e, State.ElectionId);
                    if (_time.GetUtcNow() + _length / 6 >= State.LeaseUntil)
                    {
                        await _lost.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                    wait = _length / 12;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Renews now; false (and <see cref="Lost"/> cancelled) when another compile changed the state.</summary>
    private async Task<bool> TryRenewAsync(CancellationToken cancellationToken)
    {
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lost.IsCancellationRequested) return false;
            var renewed = State with { LeaseUntil = _time.GetUtcNow() + _length };
            if (await _states.TryReplaceAsync(renewed, _etag, cancellationToken).ConfigureAwait(false) is not { } etag)
            {
                LogLost(_logger, State.ElectionId);
                await _lost.CancelAsync().ConfigureAwait(false);
                return false;
            }
            (State, _etag) = (renewed, etag);
            return true;
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>Right before a commit: renews the lease, or throws when it is lost, so a stalled compile commits nothing.</summary>
    public async Task ConfirmAsync(CancellationToken cancellationToken)
    {
        if (!await TryRenewAsync(cancellationToken).ConfigureAwait(false))
            throw new OperationCanceledException($"The package lease of election {State.ElectionId} was lost; nothing committed.", _lost.Token);
    }

    /// <summary>Stops renewing, then writes the state with <paramref name="change"/> applied and the lease given back.</summary>
    public async Task ReleaseAsync(Func<PackageState, PackageState> change, CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _released = true;
        if (_lost.IsCancellationRequested) return;
        var next = change(State) with { LeaseHolder = null, LeaseUntil = null };
        if (await _states.TryReplaceAsync(next, _etag, cancellationToken).ConfigureAwait(false) is null)
            LogLost(_logger, State.ElectionId); // another compile took it after a stall: its own state write stands
        else State = next;
    }

    /// <summary>Gives the lease back unchanged if the compile did not (it failed); if even that fails, the lease runs out.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_released) await ReleaseAsync(s => s, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogRenewFailed(_logger, e, State.ElectionId);
        }
        _stop.Dispose();
        _lost.Dispose();
        _write.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Package lease of election {ElectionId} was lost to another compile")]
    private static partial void LogLost(ILogger logger, string electionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Package lease of election {ElectionId} could not be renewed or given back; it runs out by itself")]
    private static partial void LogRenewFailed(ILogger logger, Exception error, string electionId);
}
