#:package Azure.Messaging.ServiceBus
#:package Azure.Storage.Queues
#:package Azure.Storage.Blobs
#:package Azure.Identity

// An agency reading its ElectionFunctions queue (docs/agency-consumer.md). Runs as a .NET 10 file-based app:
//   Azure:  dotnet run docs/agency-consumer/AgencyConsumer.cs -- servicebus <namespace>.servicebus.windows.net <agency> https://<account>.blob.core.windows.net
//   Local:  dotnet run docs/agency-consumer/AgencyConsumer.cs -- storage "<connection string make run prints>" <agency> [--once]
// Azure uses the signed-in identity (DefaultAzureCredential): the agency's principal holds Service Bus Data Receiver
// on its own queue and Storage Blob Data Reader on its own container agency-<agency>.
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

if (args.Length < 3 || args[0] is not ("servicebus" or "storage"))
{
    Console.Error.WriteLine("usage: servicebus <namespace> <agency> <blob-url> | storage <connection-string> <agency> [--once]");
    return 2;
}
var (mode, endpoint, agency) = (args[0], args[1], args[2]);
var credential = new DefaultAzureCredential();
var blobs = mode == "storage" ? new BlobServiceClient(endpoint) : new BlobServiceClient(new Uri(args[3]), credential);
// MessageId is {reportId}:{agency} on every redelivery. Keep handled ids in durable storage in production;
// Service Bus drops duplicates only within its detection window.
var handled = new HashSet<string>();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

if (mode == "servicebus")
{
    await using var client = new ServiceBusClient(endpoint, credential);
    await using var processor = client.CreateProcessor(agency, new ServiceBusProcessorOptions { AutoCompleteMessages = false, MaxConcurrentCalls = 1 });
    processor.ProcessMessageAsync += async message =>
    {
        await HandleAsync(message.Message.MessageId, message.Message.Body.ToString(), message.CancellationToken);
        await message.CompleteMessageAsync(message.Message);   // only after it is handled: a crash means redelivery, not loss
    };
    processor.ProcessErrorAsync += error =>
    {
        Console.Error.WriteLine($"{error.ErrorSource}: {error.Exception.Message}");
        return Task.CompletedTask;
    };
    await processor.StartProcessingAsync(stop.Token);
    try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
    await processor.StopProcessingAsync();
}
else
{
    var queue = new QueueClient(endpoint, agency);
    var once = args.Contains("--once");
    while (!stop.IsCancellationRequested)
    {
        var batch = (await queue.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(1), stop.Token)).Value;
        if (batch.Length == 0)
        {
            if (once) break;
            await Task.Delay(1000, stop.Token);
            continue;
        }
        foreach (var message in batch)
        {
            using var body = JsonDocument.Parse(message.Body.ToString());
            await HandleAsync(body.RootElement.GetProperty("messageId").GetString()!, message.Body.ToString(), stop.Token);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stop.Token);
        }
    }
}
return 0;

async Task HandleAsync(string messageId, string body, CancellationToken cancellationToken)
{
    if (!handled.Add(messageId))
    {
        Console.WriteLine($"{messageId}: duplicate, skipped");
        return;
    }
    using var document = JsonDocument.Parse(body);
    var message = document.RootElement;
    JsonDocument? full = null;
    if (message.TryGetProperty("claimCheck", out var claim))
    {
        // Too large for the queue: the full message is in the agency's container; check its hash before trusting it.
        var path = claim.GetProperty("blobPath").GetString()!;
        var bytes = (await blobs.GetBlobContainerClient(path[..path.IndexOf('/')]).GetBlobClient(path[(path.IndexOf('/') + 1)..])
            .DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != claim.GetProperty("sha256").GetString())
            throw new InvalidDataException($"{messageId}: claim-check blob does not match its SHA-256");
        full = JsonDocument.Parse(bytes);
        message = full.RootElement;
    }
    using (full)
    {
        var report = message.GetProperty("report");
        Console.WriteLine($"{messageId}  TLP:{message.GetProperty("tlp").GetString()}  {message.GetProperty("severity").GetString()}  " +
            $"[{string.Join(", ", message.GetProperty("categories").EnumerateArray().Select(c => c.GetString()))}]  {report.GetProperty("title").GetString()}");
        foreach (var reason in message.GetProperty("reasons").EnumerateArray())
            Console.WriteLine($"    {reason.GetProperty("rule").GetString()}: {reason.GetProperty("evidence").GetString()}");
        Console.WriteLine($"    indicators: {message.GetProperty("indicators").GetArrayLength()}, raw submission {message.GetProperty("blobPath").GetString()} sha256 {message.GetProperty("sha256").GetString()}");
    }
}
