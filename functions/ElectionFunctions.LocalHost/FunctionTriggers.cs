using System.Reflection;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.LocalHost;

/// <summary>
/// The local host's routes, queue pollers and timers, read from the Functions app's own <c>[Function]</c> methods and
/// their trigger attributes, and served by calling those same methods: one declaration of every trigger (issue 15),
/// so a wrong queue name or route in an attribute breaks both hosts alike.
/// </summary>
public static class FunctionTriggers
{
    public sealed record Declared(string Name, MethodInfo Method, HttpTriggerAttribute? Http, QueueTriggerAttribute? Queue, TimerTriggerAttribute? Timer);

    /// <summary>The Functions app's assembly (functions/ElectionFunctions, referenced by this project).</summary>
    public static Assembly App => typeof(Functions.Intake.IntakeFunctions).Assembly;

    public static IReadOnlyList<Declared> Read(Assembly assembly) =>
        [.. assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .Select(m =>
            {
                var triggers = m.GetParameters().Select(p => p.GetCustomAttributes().FirstOrDefault(a => a is HttpTriggerAttribute or QueueTriggerAttribute or TimerTriggerAttribute)).OfType<Attribute>().ToList();
                if (triggers.Count != 1) throw new InvalidOperationException($"Function {m.Name} has {triggers.Count} triggers; the local host serves functions with one.");
                return new Declared(m.GetCustomAttribute<FunctionAttribute>()!.Name, m, triggers[0] as HttpTriggerAttribute, triggers[0] as QueueTriggerAttribute, triggers[0] as TimerTriggerAttribute);
            })
            .OrderBy(f => f.Name, StringComparer.Ordinal)];

    /// <summary>host.json's extensions.http.routePrefix ("api" when absent, as the Functions host).</summary>
    public static string RoutePrefix(string hostJson)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(hostJson));
        return json.RootElement.TryGetProperty("extensions", out var e) && e.TryGetProperty("http", out var h) && h.TryGetProperty("routePrefix", out var p)
            ? p.GetString() ?? "" : "api";
    }

    /// <summary>Every HTTP function at its route, with its methods.</summary>
    public static void MapHttp(IEndpointRouteBuilder app, IEnumerable<Declared> functions, string routePrefix)
    {
        foreach (var f in functions.Where(f => f.Http is not null))
        {
            var route = "/" + string.Join('/', new[] { routePrefix, f.Http!.Route ?? f.Name }.Where(s => s.Length > 0));
            var methods = f.Http.Methods is { Length: > 0 } m ? m.Select(x => x.ToUpperInvariant()) : ["GET", "POST"];
            var endpoint = app.MapMethods(route, methods, (HttpContext context) => InvokeHttpAsync(f.Method, context)).WithName(f.Name);
            // The caller requirement travels with the endpoint, for the gate before it (UseCallerGate).
            if (f.Method.GetCustomAttribute<Security.RequiresRoleAttribute>() is { } requirement) endpoint.WithMetadata(requirement);
        }
    }

    private static async Task InvokeHttpAsync(MethodInfo method, HttpContext context)
    {
        var arguments = method.GetParameters().Select(object? (p) =>
            p.ParameterType == typeof(HttpRequest) ? context.Request
            : p.ParameterType == typeof(CancellationToken) ? context.RequestAborted
            : p.ParameterType == typeof(string) && context.Request.RouteValues.TryGetValue(p.Name!, out var v) ? v?.ToString()
            : throw new InvalidOperationException($"{method.Name}: the local host cannot bind parameter {p.Name}.")).ToArray();
        // Written as the worker's HTTP proxy writes a function's result.
        switch (await InvokeAsync(method, context.RequestServices, arguments))
        {
            case IResult result: await result.ExecuteAsync(context); break;
            case IActionResult action: await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor())); break;
        }
    }

    /// <summary>
    /// The worker's CallerMiddleware on Kestrel: a route whose function declares <see cref="Security.RequiresRoleAttribute"/>
    /// runs only for a caller the same <see cref="Security.CallerGate"/> admits; otherwise its refusal is the answer.
    /// </summary>
    public static void UseCallerGate(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<Security.RequiresRoleAttribute>() is { } requirement)
        {
            var admission = await context.RequestServices.GetRequiredService<Security.CallerGate>().AdmitAsync(context, requirement);
            if (admission.Refusal is { } refusal)
            {
                await refusal.ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    });

    /// <summary>A poller for every queue-triggered function, a timer for every timer-triggered one.</summary>
    public static void AddTriggers(IServiceCollection services, IEnumerable<Declared> functions, QueueHostOptions options)
    {
        foreach (var f in functions)
        {
            if (f.Queue is { } queue)
            {
                var name = Resolve(queue.QueueName);
                services.AddSingleton<IHostedService>(sp => new QueuePoller(sp.GetRequiredService<QueueServiceClient>(), name,
                    (message, ct) => InvokeAsync(f.Method, sp, Arguments(f.Method, message, ct)), options, sp.GetRequiredService<ILogger<QueuePoller>>()));
            }
            else if (f.Timer is { } timer)
            {
                services.AddSingleton<IHostedService>(sp => new ScheduledTimer(f.Name, timer.Schedule,
                    ct => InvokeAsync(f.Method, sp, Arguments(f.Method, new TimerInfo(), ct)), sp.GetRequiredService<IConfiguration>(),
                    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ScheduledTimer>>()));
            }
        }

        static string Resolve(string value) => value.StartsWith('%') ? throw new InvalidOperationException($"Queue name {value}: the local host reads literal queue names only.") : value;
    }

    private static object?[] Arguments(MethodInfo method, object trigger, CancellationToken cancellationToken) =>
        [.. method.GetParameters().Select(object? (p) => p.ParameterType == typeof(CancellationToken) ? cancellationToken
            : p.ParameterType.IsInstanceOfType(trigger) ? trigger
            : throw new InvalidOperationException($"{method.Name}: the local host cannot bind parameter {p.Name}."))];

    /// <summary>The function class made per call from the container, as the worker does, and the method awaited.</summary>
    private static async Task<object?> InvokeAsync(MethodInfo method, IServiceProvider services, object?[] arguments)
    {
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        object? returned;
        try
        {
            returned = method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        if (returned is not Task task) return returned;
        await task;
        return task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
    }
}
