using System.Collections.Frozen;
using System.Reflection;
using ElectionFunctions.Security;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace ElectionFunctions.Functions.Http;

/// <summary>
/// Before an HTTP function that declares <see cref="RequiresRoleAttribute"/>: the caller is admitted by
/// <see cref="CallerGate"/> (token, app role, partner registry, rate limit), or the refusal is the answer and the
/// function does not run. The local host runs the same gate as endpoint middleware.
/// </summary>
public sealed class CallerMiddleware(CallerGate gate) : IFunctionsWorkerMiddleware
{
    /// <summary>Each function's requirement by name, read once from this assembly's [Function] methods.</summary>
    private static readonly FrozenDictionary<string, RequiresRoleAttribute> Requirements = typeof(CallerMiddleware).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods())
        .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null && m.GetCustomAttribute<RequiresRoleAttribute>() is not null)
        .ToFrozenDictionary(m => m.GetCustomAttribute<FunctionAttribute>()!.Name, m => m.GetCustomAttribute<RequiresRoleAttribute>()!);

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (Requirements.TryGetValue(context.FunctionDefinition.Name, out var requirement))
        {
            // A protected function without an HTTP request to check is refused, not run.
            var http = context.GetHttpContext() ?? throw new InvalidOperationException($"{context.FunctionDefinition.Name} requires a role but has no HTTP request.");
            var admission = await gate.AdmitAsync(http, requirement);
            if (admission.Refusal is { } refusal)
            {
                // The HTTP proxy writes the invocation's result, whoever set it.
                context.GetInvocationResult().Value = refusal;
                return;
            }
        }
        await next(context);
    }
}
