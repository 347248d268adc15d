using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;

namespace ElectionFunctions.Http;

/// <summary>
/// The one mapping from an exception a handler did not handle to an answer, used by the Functions app's
/// middleware and the local host alike: a storage failure is 503 with Retry-After (retry with the same
/// Idempotency-Key), anything else a bare 500. Never the exception's text: that goes to the log.
/// </summary>
public static partial class ExceptionProblems
{
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// Failures of the storage services that retrying can cure: outages, timeouts, throttling (the SDKs' own retries
    /// spent). A 4xx other than 408 and 429 (a missing role after a network change, a firewall, a request the service
    /// refuses) is our fault and stays a logged 500: as a 503 it would look like an outage and be retried for ever.
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        CosmosException c => (int)c.StatusCode is >= 500 or 408 or 429 or 449 or 0,
        RequestFailedException r => r.Status is >= 500 or 408 or 429 or 0,
        HttpRequestException or TimeoutException or OperationCanceledException => true,
        // Azure.Core's retry policy gives up with every try's exception in one AggregateException.
        AggregateException all => all.InnerExceptions.All(IsTransient),
        _ => false,
    };

    /// <summary>
    /// Writes the answer for <paramref name="error"/>; false when nothing can be written (the response has started,
    /// or the caller went away), so the host's own handling stands.
    /// </summary>
    public static async Task<bool> TryWriteAsync(HttpContext context, Exception error, ILogger logger)
    {
        if (context.RequestAborted.IsCancellationRequested || context.Response.HasStarted)
        {
            LogNotAnswered(logger, error, context.Request.Path);
            return false;
        }
        context.Response.Clear();
        if (IsTransient(error))
        {
            LogUnavailable(logger, error, context.Request.Path);
            await new ProblemResult(StatusCodes.Status503ServiceUnavailable, "service-unavailable", "Storage unavailable",
                "Nothing was lost: retry after the delay in Retry-After (with the same Idempotency-Key when submitting).")
            { RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }.ExecuteAsync(context).ConfigureAwait(false);
        }
        else
        {
            LogFailed(logger, error, context.Request.Path);
            await new ProblemResult(StatusCodes.Status500InternalServerError, "internal", "Internal error",
                "The request failed on our side; it has been logged.").ExecuteAsync(context).ConfigureAwait(false);
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unavailable during {Path}; answered 503")]
    private static partial void LogUnavailable(ILogger logger, Exception error, PathString path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error during {Path}; answered 500")]
    private static partial void LogFailed(ILogger logger, Exception error, PathString path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Error during {Path} after the answer started or the caller left")]
    private static partial void LogNotAnswered(ILogger logger, Exception error, PathString path);
}
