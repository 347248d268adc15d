using ElectionFunctions.Correlation;
using ElectionFunctions.Intake;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Tests;

/// <summary>The shipped aliases and warning list (electionsettings.json) on keys as partners write them.</summary>
public sealed class CorrelationKeysTests
{
    private static readonly CorrelationKeys Keys = new(Options.Create(
        new ConfigurationBuilder().AddElectionSettingsDefaults().Build().GetSection(CorrelationOptions.Section).Get<CorrelationOptions>()!));

    private static (IReadOnlyList<string> Keys, IReadOnlyList<Reason> Reasons) For(Indicator[] indicators, NamedActor[]? actors = null) => Keys.For(new ReportDocument
    {
        Id = "0123456789abcdef0123456789abcdef", PartnerId = "p", Status = ReportStatus.Classified, ReceivedAt = DateTimeOffset.UnixEpoch,
        Sha256 = "", BlobPath = "", ContentType = "application/json", Tlp = "AMBER",
        Report = Reports.Native(actors: actors) with { Indicators = indicators },
    });

    [Fact]
    public void An_actor_is_one_key_under_any_of_its_names()
    {
        var names = new[] { "Fancy Bear", "APT28", "GRU  Unit 26165", "apt-28" }
            .Select(n => For([], [new NamedActor(n, "organization", "RU", "engaged")]).Keys.Single()).Distinct().ToList();
        Assert.Equal(["actor:apt28", "actor:apt 28"], names);
    }

    [Fact]
    public void A_URL_adds_its_host_as_a_domain_key_and_warning_listed_keys_are_left_out_with_a_reason()
    {
        var (keys, reasons) = For([
            new("url", "https://vote-info.example/check"), new("domain", "docs.google.com"), new("ipv4", "10.1.2.3"), new("ipv6", "2001:db8::1"),
            new("ipv4", "1.1.1.1"), new("url", "https://bit.ly/3xYz"), new("ipv4", "45.9.148.10")]);
        Assert.Equal(["url:https://vote-info.example/check", "domain:vote-info.example", "url:https://bit.ly/3xYz", "ipv4:45.9.148.10"], keys);
        var evidence = Assert.Single(reasons, r => r.Rule == "correlation.warning-list").Evidence;
        foreach (var listed in new[] { "domain:docs.google.com", "ipv4:10.1.2.3", "ipv6:2001:db8::1", "ipv4:1.1.1.1", "domain:bit.ly" }) Assert.Contains(listed, evidence);
    }
}
