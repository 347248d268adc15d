using System.ComponentModel.DataAnnotations;

namespace ElectionFunctions.Reporting;

/// <summary>The federal elections calendar (configuration section <c>Elections</c>).</summary>
public sealed class ElectionsOptions
{
    public const string Section = "Elections";

    /// <summary>Days after election day when the package is due (EO 13848 Sec. 1(a)).</summary>
    [Range(1, 365)]
    public int PackageDueDays { get; set; } = 45;

    /// <summary>How far before election day an observation still belongs to that election when the partner gives no electionId.</summary>
    [Range(1, 1000)]
    public int AssignmentWindowDaysBefore { get; set; } = 365;

    /// <summary>
    /// How long a compile's lease lasts without renewal; it is renewed every third of this while the compile runs, so
    /// this is only how long a crashed compile blocks the next one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "01:00:00")]
    public TimeSpan PackageLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How far before the compile's start the final and each addendum end. A report's <c>receivedAt</c> is stamped before
    /// it is written; no intake takes this long between the two, so every report received up to the cut-off is stored
    /// when the compile reads, and is in the final or the first addendum, never in neither.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SealGrace { get; set; } = TimeSpan.FromMinutes(10);

    [MinLength(1)]
    public List<Election> Calendar { get; set; } = [];

    public Election? Find(string electionId) => Calendar.Find(e => string.Equals(e.Id, electionId, StringComparison.Ordinal));

    /// <summary>The federal election whose window (from <see cref="AssignmentWindowDaysBefore"/> days before to the due date) holds the instant.</summary>
    public Election? ForObservation(DateTimeOffset observedAt)
    {
        var day = DateOnly.FromDateTime(observedAt.UtcDateTime);
        return Calendar
            .Where(e => day >= e.Date.AddDays(-AssignmentWindowDaysBefore) && day <= e.Date.AddDays(PackageDueDays))
            .OrderBy(e => e.Date)
            .FirstOrDefault();
    }
}

/// <summary>The election id of a report no federal election's window holds (a STIX bundle about something else): kept, out of scope, in no package.</summary>
public static class Elections
{
    public const string None = "none";
    public const string NoneRule = "scope.no-election";
}

public sealed class Election
{
    [Required]
    public string Id { get; set; } = "";
    public DateOnly Date { get; set; }
    /// <summary>general, primary, special or runoff.</summary>
    public string Kind { get; set; } = "general";
    /// <summary>USPS codes, or empty for every state.</summary>
    public List<string> States { get; set; } = [];
}
