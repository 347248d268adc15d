using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace ElectionFunctions.LocalHost;

/// <summary>
/// The local stand-in for a QueueTrigger: receive a batch, run the same handler the function calls,
/// delete on success; on failure make the message visible again after host.json's visibilityTimeout,
/// and after maxDequeueCount failures move it to {queue}-poison, as the Functions host does. As the host,
/// it fetches the next batch when newBatchThreshold or fewer are still running, so at most
/// batchSize + newBatchThreshold messages are handled at once.
/// </summary>
public sealed partial class QueuePoller(
    QueueServiceClient queues,
    string queueName,
    Func<string, CancellationToken, Task> handler,
    QueueHostOptions options,
    ILogger<QueuePoller> logger) : BackgroundService
{
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = queues.GetQueueClient(queueName);
        var poison = queues.GetQueueClient(queueName + "-poison");
        var delay = MinimumPollingInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // A snapshot: handlers finishing meanwhile leave it, and WhenAny must not get an empty list.
                for (var running = _running.Keys; running.Count > options.NewBatchThreshold; running = _running.Keys)
                    await Task.WhenAny(running).WaitAsync(stoppingToken);

                QueueMessage[] messages;
                try
                {
                    messages = (await queue.ReceiveMessagesAsync(options.BatchSize, options.ProcessingLease, stoppingToken)).Value;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Storage unreachable: poll again later; the messages wait in the queue.
                    LogReceiveFailed(logger, e, queueName);
                    messages = [];
                }

                if (messages.Length == 0)
                {
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxPollingInterval.Ticks));
                    continue;
                }
                delay = MinimumPollingInterval;
                foreach (var message in messages)
                {
                    var task = Task.Run(() => ProcessAsync(queue, poison, message, stoppingToken), CancellationToken.None);
                    _running[task] = 0;
                    _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Let the running handlers finish (they see the cancellation) before the host disposes what they use.
        await Task.WhenAll(_running.Keys);
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
            catch (Exception inner) when (inner is not OperationCanceledException)
            {
                // The lease expires on its own and the message comes back: nothing is lost.
                LogReceiveFailed(logger, inner, queueName);
            }
        }
        catch (Exception)
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
