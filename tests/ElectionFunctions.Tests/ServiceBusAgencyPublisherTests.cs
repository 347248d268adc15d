using Azure.Messaging.ServiceBus;
using ElectionFunctions.Routing;

namespace ElectionFunctions.Tests;

/// <summary>There is no Service Bus emulator: the SDK's senders are virtual, so a recording sender stands in for the wire.</summary>
public sealed class ServiceBusAgencyPublisherTests
{
    private static ReportDocument Routed() => new()
    {
        Id = "0123456789abcdef0123456789abcdef",
        PartnerId = "ga-sos",
        Status = ReportStatus.Classified,
        ReceivedAt = new DateTimeOffset(2026, 11, 3, 22, 0, 0, TimeSpan.Zero),
        Sha256 = new string('a', 64),
        BlobPath = "submissions/2026/11/03/0123456789abcdef0123456789abcdef.json",
        ContentType = "application/json",
        ElectionId = "2026-11-03-general",
        Tlp = "AMBER+STRICT",
        Report = Reports.Native(["tabulation"], ["access-gained"], ["RU"]) with { Contact = new Intake.Contact("Jane Roe", "jane@sos.ga.gov", "555-0100") },
        Classification = new ClassificationResult(["election-infrastructure"], "high", true, ["in-scope"], [new Reason("r", "e")], DateTimeOffset.UnixEpoch),
    };

    [Fact]
    public async Task Sends_one_message_per_agency_on_that_agencys_queue_with_the_contract_properties()
    {
        var client = new RecordingClient();
        var publisher = new ServiceBusAgencyPublisher(client);
        var report = Routed();

        await publisher.PublishAsync(AgencyMessage.For("dhs", report, []), CancellationToken.None);
        await publisher.PublishAsync(AgencyMessage.For("odni", report, []), CancellationToken.None);
        await publisher.PublishAsync(AgencyMessage.For("dhs", report, []), CancellationToken.None);

        Assert.Equal(["dhs", "odni"], client.Senders.Keys.Order(StringComparer.Ordinal));
        var sent = client.Senders["dhs"].Sent;
        Assert.Equal(2, sent.Count);
        var message = sent[0];
        Assert.Equal($"{report.Id}:dhs", message.MessageId);
        Assert.Equal(report.Id, message.CorrelationId);
        Assert.Equal("election-interference-report", message.Subject);
        Assert.Equal("high", message.ApplicationProperties["severity"]);
        Assert.Equal("AMBER+STRICT", message.ApplicationProperties["tlp"]);
        Assert.Equal("election-infrastructure", message.ApplicationProperties["categories"]);
        // Duplicate detection keys on MessageId: the repeat carries the same id.
        Assert.Equal(message.MessageId, sent[1].MessageId);
    }

    [Fact]
    public void Contact_details_go_only_to_dhs_and_doj()
    {
        var report = Routed();
        Assert.NotNull(AgencyMessage.For("dhs", report, []).Report.Contact);
        Assert.NotNull(AgencyMessage.For("doj", report, []).Report.Contact);
        Assert.Null(AgencyMessage.For("odni", report, []).Report.Contact);
        Assert.Null(AgencyMessage.For("treasury", report, []).Report.Contact);
    }

    [Fact]
    public void The_body_is_the_schema_versioned_agency_message()
    {
        var message = ServiceBusAgencyPublisher.ToServiceBusMessage(AgencyMessage.For("treasury", Routed(), []));
        using var body = System.Text.Json.JsonDocument.Parse(message.Body.ToString());
        Assert.Equal("1.0", body.RootElement.GetProperty("schemaVersion").GetString());
        Assert.Equal("treasury", body.RootElement.GetProperty("agency").GetString());
        Assert.Equal("AMBER+STRICT", body.RootElement.GetProperty("tlp").GetString());
        Assert.StartsWith("submissions/", body.RootElement.GetProperty("blobPath").GetString());
        Assert.False(body.RootElement.GetProperty("report").TryGetProperty("contact", out _));
    }

    private sealed class RecordingClient : ServiceBusClient
    {
        public Dictionary<string, RecordingSender> Senders { get; } = [];

        public override ServiceBusSender CreateSender(string queueOrTopicName) => Senders[queueOrTopicName] = new RecordingSender();
    }

    private sealed class RecordingSender : ServiceBusSender
    {
        public List<ServiceBusMessage> Sent { get; } = [];

        public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }
}
