using ElectionFunctions.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace ElectionFunctions.Functions.Http;

/// <summary>
/// An HTTP function's unhandled exception answered as the local host answers it (<see cref="ExceptionProblems"/>):
/// 503 with Retry-After for storage, a bare 500 otherwise. Other triggers rethrow, so their retries stand.
/// </summary>
public sealed class ProblemsMiddleware(ILogger<ProblemsMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (context.GetHttpContext() is { } http)
        {
            var error = e is AggregateException { InnerExceptions.Count: 1 } one ? one.InnerExceptions[0] : e;
            if (!await ExceptionProblems.TryWriteAsync(http, error, logger)) throw;
            await http.Response.CompleteAsync();
            // The answer is written: the HTTP proxy has no result of the function's to execute after this.
            context.GetInvocationResult().Value = new EmptyResult();
            // The invocation stays failed in the host's telemetry for what is our fault; a 503 is an answer, not a failure.
            if (!ExceptionProblems.IsTransient(error)) throw;
        }
    }
}
