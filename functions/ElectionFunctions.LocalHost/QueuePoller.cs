using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace ElectionFunctions.LocalHost;

/// <summary>
/// The local stand-in for a QueueTrigger: receive a batch, run the same handler the function calls,
/// delete on success; on failure make the message visible again after host.json's visibilityTimeout,
/// and after maxDequeueCount failures move it to {queue}-poison, as the Functions host does.
/// </summary>
public sealed partial class QueuePoller(
    QueueServiceClient queues,
    string queueName,
    Func<string, CancellationToken, Task> handler,
    QueueHostOptions options,
    ILogger<QueuePoller> logger) : BackgroundService
{
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = queues.GetQueueClient(queueName);
        var poison = queues.GetQueueClient(queueName + "-poison");
        var delay = MinimumPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(options.BatchSize, options.ProcessingLease, stoppingToken)).Value;
            }
            catch (RequestFailedException e)
            {
                LogReceiveFailed(logger, e, queueName);
                messages = [];
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (messages.Length == 0)
            {
                try { await Task.Delay(delay, stoppingToken); }
                catch (OperationCanceledException) { return; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxPollingInterval.Ticks));
                continue;
            }
            delay = MinimumPollingInterval;
            await Parallel.ForEachAsync(messages, CancellationToken.None, (m, _) => new ValueTask(ProcessAsync(queue, poison, m, stoppingToken)));
        }
    }

    private async Task ProcessAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            await handler(message.Body.ToString(), stoppingToken);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (message.DequeueCount >= options.MaxDequeueCount)
                {
                    LogPoisoned(logger, e, queueName, message.MessageId, message.DequeueCount);
                    await poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
                }
                else
                {
                    LogRetry(logger, e, queueName, message.MessageId, message.DequeueCount);
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.VisibilityTimeout, cancellationToken: CancellationToken.None);
                }
            }
            catch (RequestFailedException inner)
            {
                // The lease expires on its own and the message comes back: nothing is lost.
                LogReceiveFailed(logger, inner, queueName);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the lease expires and the message is delivered again.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: receive or settle failed")]
    private static partial void LogReceiveFailed(ILogger logger, Exception error, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: message {MessageId} failed on dequeue {DequeueCount}; retrying")]
    private static partial void LogRetry(ILogger logger, Exception error, string queue, string messageId, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue {Queue}: message {MessageId} failed {DequeueCount} times; moved to the poison queue")]
    private static partial void LogPoisoned(ILogger logger, Exception error, string queue, string messageId, long dequeueCount);
}
