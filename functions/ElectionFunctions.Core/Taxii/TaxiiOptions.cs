using System.ComponentModel.DataAnnotations;

namespace ElectionFunctions.Taxii;

/// <summary>The TAXII 2.1 server (configuration section <c>Taxii</c>).</summary>
public sealed class TaxiiOptions
{
    public const string Section = "Taxii";

    /// <summary>The one API root's path segment: /taxii2/{ApiRoot}/.</summary>
    public const string ApiRoot = "elections";

    public string Title { get; set; } = "ElectionFunctions TAXII 2.1";

    /// <summary>Objects per page when the client gives no limit.</summary>
    [Range(1, 10_000)]
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>The most objects a page holds, whatever limit the client asks.</summary>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>
    /// Objects added less than this long ago are not served yet. An object's date_added is stamped before it is written,
    /// so a client that polls with added_after would otherwise step past one stamped earlier and written later.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromSeconds(5);
}
