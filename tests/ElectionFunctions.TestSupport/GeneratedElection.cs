using ElectionFunctions.Intake;

namespace ElectionFunctions.TestSupport;

/// <summary>A deterministic election of classified and routed reports, to check the package against an independent count.</summary>
public static class GeneratedElection
{
    private static readonly string[] States = ["GA", "PA", "AZ", "MI", "WI", "NV", "NC"];
    private static readonly string[] Governments = ["RU", "IR", "CN", "KP"];
    private static readonly string[] Tlps = ["CLEAR", "GREEN", "AMBER", "AMBER", "AMBER+STRICT", "RED"];
    private static readonly string[] Targets = ["tabulation", "results-reporting-website", "voter-registration-database", "campaign-email", "social-media", "voters", "candidate"];
    private static readonly string[] Effects = ["access-gained", "data-disclosed", "data-altered", "attempted-only", "disinformation-published", "funds-transferred", "tabulation-affected"];
    private static readonly string[] Actors = ["Emennet Pasargad", "APT42", "GRU Unit 74455", "Storm-1516", "<script>alert('x')</script>", "=HYPERLINK(\"http://evil\")"];
    private static readonly string[] Roles = ["engaged", "supported", "owned-or-controlled"];

    public static IEnumerable<ReportDocument> Reports(string electionId, int count, DateTimeOffset start, int seed = 13848)
    {
        var random = new Random(seed);
        var classifier = ShippedSettings.Classifier();
        var decider = ShippedSettings.Decider();
        for (var i = 0; i < count; i++)
        {
            var government = random.Next(6) switch { 0 => null, var n => Governments[n % Governments.Length] };
            var targets = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Targets[random.Next(Targets.Length)]).Distinct().ToList();
            var effects = Enumerable.Range(0, random.Next(0, 3)).Select(_ => Effects[random.Next(Effects.Length)]).Distinct().ToList();
            var actors = government is not null && random.Next(3) == 0
                ? [new NamedActor(Actors[random.Next(Actors.Length)], random.Next(4) == 0 ? "person" : "organization", government, Roles[random.Next(Roles.Length)])]
                : new List<NamedActor>();
            var tlp = Tlps[random.Next(Tlps.Length)];
            var report = new StoredReport
            {
                SchemaVersion = "1.0", ElectionId = electionId, FederalContest = random.Next(20) != 0, Title = $"Generated {i}",
                Narrative = $"Generated report {i}; indicator 198.51.100.{i % 250} seen.", ObservedAt = start,
                Jurisdiction = new Jurisdiction(States[random.Next(States.Length)], null), Tlp = tlp,
                Recipients = tlp == "RED" ? ["odni"] : [], TargetedSystems = targets, Effects = effects,
                SuspectedForeignGovernments = government is null ? [] : [government], NamedActors = actors, Indicators = [],
            };
            var classification = classifier.Classify(report);
            var (agencies, reasons) = decider.Decide(classification, tlp, report.Recipients!);
            var received = start.AddMinutes(i * 7 % (60 * 24 * 20));
            var failed = random.Next(50) == 0;
            yield return new ReportDocument
            {
                Id = $"{i:x8}{random.Next():x8}{random.Next():x8}{random.Next():x8}"[..32].PadRight(32, '0'),
                PartnerId = "generator", Status = failed ? ReportStatus.Failed : ReportStatus.Routed, ReceivedAt = received,
                Sha256 = new string('a', 64), BlobPath = "submissions/generated.json", ContentType = "application/json",
                ElectionId = electionId, Tlp = tlp, Report = report, Classification = classification,
                Routing = failed ? [] : [.. agencies.Select(a => new AgencyRouting(a, RoutingStatus.Sent, received.AddSeconds(2 + i % 30)))],
                RoutingReasons = reasons, RoutedAt = failed ? null : received.AddSeconds(2 + i % 30),
                FailureReason = failed ? "routing failed five times; last error: test" : null,
            };
        }
    }

    /// <summary>
    /// The review's worst case for the package's memory (issue 16): every report names <paramref name="actors"/> persons of no
    /// stated country, so each is a person of each of its <paramref name="governments"/> suspected governments, and every name
    /// is new. In scope, AMBER, routed.
    /// </summary>
    public static IEnumerable<ReportDocument> Crafted(string electionId, int count, DateTimeOffset start, int actors = 50, int governments = 20)
    {
        string[] codes = [.. Enumerable.Range(0, governments).Select(g => $"{(char)('A' + g / 26)}{(char)('A' + g % 26)}")];
        for (var i = 0; i < count; i++)
        {
            var received = start.AddMinutes(i);
            yield return new ReportDocument
            {
                Id = i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), PartnerId = "crafted", Status = ReportStatus.Routed,
                ReceivedAt = received, RoutedAt = received.AddSeconds(3), Sha256 = new string('c', 64), BlobPath = "submissions/crafted.json",
                ContentType = "application/json", ElectionId = electionId, Tlp = "AMBER",
                Report = new StoredReport
                {
                    SchemaVersion = "1.0", ElectionId = electionId, FederalContest = true, Title = $"Crafted {i}", Narrative = "Crafted.",
                    ObservedAt = received, Tlp = "AMBER", TargetedSystems = ["tabulation"], Effects = ["access-gained"],
                    SuspectedForeignGovernments = codes,
                    NamedActors = [.. Enumerable.Range(0, actors).Select(a => new NamedActor($"Crafted actor {i}-{a}", a % 2 == 0 ? "person" : "organization", null, "engaged"))],
                },
                Classification = new ClassificationResult(["election-infrastructure"], "high", true, ["in-scope"], [], received),
                Routing = [new AgencyRouting("odni", RoutingStatus.Sent, received.AddSeconds(3))],
            };
        }
    }
}
