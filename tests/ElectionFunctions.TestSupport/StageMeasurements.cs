using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ElectionFunctions.TestSupport;

/// <summary>
/// Every measurement of meter <c>ElectionFunctions</c> while it lives, with the stage it was tagged with
/// ("other" when none). Our activities are sampled meanwhile, as OpenTelemetry samples them in the Functions
/// app, because the stage is read from the current activity. Used by TracingTests and by make bench.
/// </summary>
public sealed class StageMeasurements : IDisposable
{
    private readonly ActivityListener _activities = new()
    {
        ShouldListenTo = source => source.Name == Telemetry.SourceName,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
    };
    private readonly MeterListener _meters = new()
    {
        InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Telemetry.SourceName) listener.EnableMeasurementEvents(instrument);
        },
    };

    public StageMeasurements()
    {
        ActivitySource.AddActivityListener(_activities);
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    public ConcurrentQueue<(string Instrument, double Value, string Stage)> All { get; } = new();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var stage = "other";
        foreach (var tag in tags) if (tag.Key == Telemetry.StageTag) stage = (string)tag.Value!;
        All.Enqueue((instrument.Name, value, stage));
    }

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }
}
