using System.Text.Json;
using ElectionFunctions.Intake;

namespace ElectionFunctions.Tests;

/// <summary>Indicator values by type: what partners' tools write (plain, upper case, defanged, IDN) becomes one canonical value; the rest is refused.</summary>
public sealed class IndicatorValuesTests
{
    [Theory]
    [InlineData("ipv4", "203.0.113.47", "203.0.113.47")]
    [InlineData("ipv4", " 203.0.113[.]47 ", "203.0.113.47")]
    [InlineData("ipv4", "198.51.100(dot)23", "198.51.100.23")]
    [InlineData("ipv4", "203.0.113.0/24", "203.0.113.0/24")]
    [InlineData("ipv4", "0.0.0.0", "0.0.0.0")]
    [InlineData("ipv4", "255.255.255.255", "255.255.255.255")]
    [InlineData("ipv6", "2001:DB8:0:0:0:0:0:1", "2001:db8::1")]
    [InlineData("ipv6", "2001:db8::dead:beef", "2001:db8::dead:beef")]
    [InlineData("ipv6", "2001:db8::/32", "2001:db8::/32")]
    [InlineData("ipv6", "::ffff:192.0.2.1", "::ffff:192.0.2.1")]
    [InlineData("domain", "Results-Update.EXAMPLE", "results-update.example")]
    [InlineData("domain", "results-update[.]example", "results-update.example")]
    [InlineData("domain", "results-update.example.", "results-update.example")]
    [InlineData("domain", "wahl-bürgerbüro.example", "xn--wahl-brgerbro-1obf.example")]
    [InlineData("domain", "xn--wahl-brgerbro-1obf.example", "xn--wahl-brgerbro-1obf.example")]
    [InlineData("url", "hxxps://vote-update[.]example/polls-moved", "https://vote-update.example/polls-moved")]
    [InlineData("url", "HTTPS://Vote-Update.Example/Polls?ID=7", "https://vote-update.example/Polls?ID=7")]
    [InlineData("url", "hxxp[://]results.example:8080/login", "http://results.example:8080/login")]
    [InlineData("url", "https://results.example:443/", "https://results.example/")]
    [InlineData("url", "http://203.0.113.47/x", "http://203.0.113.47/x")]
    [InlineData("email", "Svc-Alerts@Gov-Notify.NET", "svc-alerts@gov-notify.net")]
    [InlineData("email", "svc-alerts[@]gov-notify[.]net", "svc-alerts@gov-notify.net")]
    [InlineData("email", "svc-alerts(at)gov-notify(dot)net", "svc-alerts@gov-notify.net")]
    [InlineData("sha256", "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("social-account", "@ElectionTruth2026", "@ElectionTruth2026")]
    [InlineData("social-account", "@hxxpster[.]bot", "@hxxpster[.]bot")]
    [InlineData("domain", "WAHL-BÜRGERBÜRO.example", "xn--wahl-brgerbro-1obf.example")]
    [InlineData("url", "hxxps://kit[.]example/hxxp-kit/../admin(dot)php?a=[.]", "https://kit.example/hxxp-kit/../admin(dot)php?a=[.]")]
    [InlineData("url", "https://kit.example/a%2Fb\\c", "https://kit.example/a%2Fb\\c")]
    [InlineData("url", "https://User:Pass@KIT.example:8443", "https://User:Pass@kit.example:8443")]
    [InlineData("url", "http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x")]
    [InlineData("url", "hxxp[:]//203.0.113[.]47/login", "http://203.0.113.47/login")]
    public void A_value_is_written_one_way(string type, string raw, string canonical) =>
        Assert.Equal((canonical, null), IndicatorValues.Normalise(type, raw));

    [Theory]
    [InlineData("ipv4", "999.1.1.1")]
    [InlineData("ipv4", "1.2.3")]
    [InlineData("ipv4", "1.2.3.4.5")]
    [InlineData("ipv4", "010.1.1.1")]
    [InlineData("ipv4", "0x7f.0.0.1")]
    [InlineData("ipv4", "1.2.3.4/33")]
    [InlineData("ipv4", "2001:db8::1")]
    [InlineData("ipv4", "results.example")]
    [InlineData("ipv6", "203.0.113.47")]
    [InlineData("ipv6", "2001:db8::g")]
    [InlineData("ipv6", "fe80::1%eth0")]
    [InlineData("ipv6", "2001:db8::/129")]
    [InlineData("domain", "localhost")]
    [InlineData("domain", "-bad.example")]
    [InlineData("domain", "bad-.example")]
    [InlineData("domain", "under_score.example")]
    [InlineData("domain", "two..dots.example")]
    [InlineData("domain", "999.1.1.1")]
    [InlineData("domain", "has space.example")]
    [InlineData("url", "/relative/path")]
    [InlineData("url", "results.example/login")]
    [InlineData("url", "file:///etc/passwd")]
    [InlineData("url", "mailto:someone@results.example")]
    [InlineData("url", "http://999.1.1.1/")]
    [InlineData("email", "no-at-sign.example")]
    [InlineData("email", "@results.example")]
    [InlineData("email", "user@")]
    [InlineData("email", "us er@results.example")]
    [InlineData("email", "user@localhost")]
    [InlineData("sha256", "9f86d081")]
    [InlineData("sha256", "zz86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("social-account", "two words")]
    [InlineData("ipv4", "1.2.3.4\u0000")]
    [InlineData("domain", "pay\u200bpal.example")]
    [InlineData("url", "http://0x7f.1/")]
    [InlineData("url", "http://2130706433/")]
    [InlineData("url", "http://010.1.1.1/")]
    [InlineData("url", "https://kit.example:99999/")]
    [InlineData("url", "https://kit example/")]
    public void An_invalid_value_is_refused_with_a_reason(string type, string raw)
    {
        var (value, error) = IndicatorValues.Normalise(type, raw);
        Assert.Null(value);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void A_refused_value_is_repeated_only_in_part()
    {
        var (_, error) = IndicatorValues.Normalise("domain", new string('a', 5000) + ".-x");
        Assert.True(error!.Length < 200, error);
    }

    [Fact]
    public void A_native_body_answers_422_naming_the_indicator_and_keeps_each_value_once()
    {
        const string body = """
            {"schemaVersion":"1.0","title":"t","narrative":"n","observedAt":"2026-11-03T21:40:00Z","indicators":[
              {"type":"domain","value":"results-update.example"},{"type":"domain","value":"RESULTS-UPDATE.example"},
              {"type":"domain","value":"results-update[.]example"},{"type":"ipv4","value":"203.0.113.47"}]}
            """;
        using var valid = JsonDocument.Parse(body);
        var report = ContractTests.Validator.Validate(valid.RootElement).Report!;
        Assert.Equal([new Indicator("domain", "results-update.example"), new Indicator("ipv4", "203.0.113.47")], report.Indicators);
        // The one-pass reader (most valid bodies) gives the same report.
        Assert.Equal(report.Indicators, ContractTests.Validator.ValidateInOnePass(System.Text.Encoding.UTF8.GetBytes(body)).Report!.Indicators);

        using var invalid = JsonDocument.Parse(body.Replace("203.0.113.47", "999.1.1.1"));
        var (refused, errors) = ContractTests.Validator.Validate(invalid.RootElement);
        Assert.Null(refused);
        Assert.Contains("999.1.1.1", Assert.Single(errors["indicators[3].value"]));
    }
}
