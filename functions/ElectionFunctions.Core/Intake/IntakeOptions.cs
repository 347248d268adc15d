using System.ComponentModel.DataAnnotations;

namespace ElectionFunctions.Intake;

/// <summary>Intake limits (configuration section <c>Intake</c>).</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>Largest accepted body; larger requests get 413 without the rest being read.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest report document stored at intake. Cosmos DB's item limit is 2 MB; classification and routing add reasons,
    /// up to <c>IndicatorExtractor.MaxExtracted</c> narrative indicators and the agencies' states, so ~450 KB stay free.
    /// </summary>
    [Range(64 * 1024, 2 * 1024 * 1024)]
    public int MaxDocumentBytes { get; set; } = 1_600_000;

    /// <summary>How far in the future observedAt may lie (clock skew between partner and service).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}
