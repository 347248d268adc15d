using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using ElectionFunctions.Routing;
using Json.Schema;

namespace ElectionFunctions.Tests;

/// <summary>There is no Service Bus emulator: the SDK's senders are virtual, so a recording sender stands in for the wire.</summary>
public sealed class AgencyPublisherTests
{
    private static ReportDocument Routed() =>
        Reports.Classified(Reports.Native(["tabulation"], ["access-gained"], ["RU"], tlp: "AMBER+STRICT") with { Contact = new Intake.Contact("Jane Roe", "jane@sos.ga.gov", "555-0100") });

    [Fact]
    public async Task Sends_one_message_per_agency_on_that_agencys_queue_with_the_contract_properties()
    {
        var client = new RecordingClient();
        // Small messages never touch Blob Storage (the claim-check path is tested on Azurite).
        var publisher = new AgencyPublisher(new ServiceBusTransport(client), new BlobServiceClient("UseDevelopmentStorage=true"));
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
        Assert.All(client.Senders.Values.SelectMany(s => s.Sent), m => Assert.True(IsValidAgencyMessage(m.Body.ToString()), m.Body.ToString()));
    }

    internal static readonly JsonSchema AgencySchema = JsonSchema.FromText(
        File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "schemas", "agency-message-v1.json")), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    internal static bool IsValidAgencyMessage(string json)
    {
        using var document = JsonDocument.Parse(json);
        return AgencySchema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true }).IsValid;
    }

    [Fact]
    public void The_agency_schema_accepts_both_shapes_and_refuses_a_message_without_its_tlp()
    {
        var full = JsonSerializer.Serialize(AgencyMessage.For("odni", Routed(), []), ElectionJsonContext.Default.AgencyMessage);
        Assert.True(IsValidAgencyMessage(full));
        var envelope = JsonSerializer.Serialize(new AgencyEnvelope("1.0", "0123456789abcdef0123456789abcdef:odni", "odni", "0123456789abcdef0123456789abcdef",
            "2026-11-03-general", ["election-infrastructure"], "high", "AMBER", new ClaimCheck("agency-odni/0123456789abcdef0123456789abcdef.json", new string('a', 64), 300_000)),
            ElectionJsonContext.Default.AgencyEnvelope);
        Assert.True(IsValidAgencyMessage(envelope));
        var withoutTlp = System.Text.Json.Nodes.JsonNode.Parse(full)!.AsObject();
        Assert.True(withoutTlp.Remove("tlp"));
        Assert.False(IsValidAgencyMessage(withoutTlp.ToJsonString()));
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
    public void A_message_sent_within_a_trace_carries_it_as_Diagnostic_Id()
    {
        var agencyMessage = AgencyMessage.For("dhs", Routed(), []);
        var outgoing = new OutgoingMessage("dhs", agencyMessage.MessageId, agencyMessage.ReportId, "high", "AMBER", "election-infrastructure", BinaryData.FromString("{}"));
        Assert.False(ServiceBusTransport.ToServiceBusMessage(outgoing).ApplicationProperties.ContainsKey("Diagnostic-Id"));

        using var route = new System.Diagnostics.Activity("route").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();
        var message = ServiceBusTransport.ToServiceBusMessage(outgoing);
        Assert.Equal(route.Id, message.ApplicationProperties["Diagnostic-Id"]);
        Assert.StartsWith($"00-{route.TraceId}-", (string)message.ApplicationProperties["Diagnostic-Id"]);
    }

    [Fact]
    public void The_body_is_the_schema_versioned_agency_message()
    {
        var agencyMessage = AgencyMessage.For("treasury", Routed(), []);
        var message = ServiceBusTransport.ToServiceBusMessage(new OutgoingMessage("treasury", agencyMessage.MessageId, agencyMessage.ReportId, "high", "AMBER+STRICT",
            "election-infrastructure", BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(agencyMessage, ElectionJsonContext.Default.AgencyMessage))));
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
