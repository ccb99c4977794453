using Cremi.Worker.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Cremi.Worker.Service;

/// <summary>The worker host, as a table of contents; each piece is one extension method below or in its own file.</summary>
public static class WorkerHost
{
    /// <param name="configure">Last word on the services before the host is built: tests add exporters here.</param>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> overrides, Action<WebApplicationBuilder>? configure = null)
    {
        // The content root is the program's folder: appsettings/ is found beside cremi.dll wherever it is started.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.AddWorkerConfiguration(overrides);
        builder.AddWorkerOptions();
        builder.AddWorkerLogging();
        builder.AddWorkerTelemetry();
        builder.AddJobScheduling();
        builder.Services.AddSystemd();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapWorkerEndpoints();
        return app;
    }

    /// <summary>appsettings/appsettings.json, appsettings/appsettings.{Environment}.json, CREMI__* variables, then the command line.</summary>
    public static void AddWorkerConfiguration(this WebApplicationBuilder builder, IReadOnlyDictionary<string, string?> overrides)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "appsettings");
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile(Path.Combine(folder, "appsettings.json"), optional: false, reloadOnChange: false)
            .AddJsonFile(Path.Combine(folder, $"appsettings.{builder.Environment.EnvironmentName}.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables("CREMI__")
            .AddInMemoryCollection(overrides);
    }

    public static void AddWorkerOptions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section, o => o.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DisplayOptions>().BindConfiguration(DisplayOptions.Section, o => o.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section, o => o.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidation>();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section, o => o.ErrorOnUnknownConfiguration = true);
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidation>();
        services.AddSingleton<IValidateOptions<DisplayOptions>, WorkerOptionsValidation>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<DisplayOptions>>((kestrel, display) =>
        {
            kestrel.AddServerHeader = false;
            var server = WorkerOptionsValidation.ToServerOptions(display.Value);
            kestrel.Listen(server.Bind, server.Port);
        });
        // Stopping waits this long for jobs to checkpoint (training) or reach a block boundary (generation).
        services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(worker.Value.StopTimeoutSeconds));
    }

    public static void AddWorkerLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        // Trace and span ids ride in every log line's scope, so a line leads to its job's trace.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.IncludeScopes = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
    }

    public static void AddJobScheduling(this WebApplicationBuilder builder)
    {
        var worker = builder.Configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        var scheduler = builder.Configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new SchedulerOptions();
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<WorkerReadiness>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<FailedFolder>();
        services.AddSingleton<FileClaimer>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobWork>();
        services.AddSingleton<JobFailures>();
        services.AddSingleton<BlockwiseJobs>();
        services.AddSingleton<OrphanSweeper>();
        services.AddSingleton<GpuGate>();
        services.AddTransient<JobRunner>();
        services.AddTransient<BlockRunner>();
        // Order matters: the database is reached (postgres store), claimed jobs are queued again before Quartz
        // starts, and only then is the inbox watched.
        services.AddHostedService<SchedulerDatabaseCheck>();
        services.AddHostedService<JobRecovery>();
        services.AddQuartz(q =>
        {
            q.UseDefaultThreadPool(pool => pool.MaxConcurrency = Math.Clamp(worker.JobConcurrency, 1, 64));
            q.UseWorkerStore(scheduler);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddHostedService<InboxWatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<OrphanSweeper>());
    }

    /// <summary>Settings given as KEY=VALUE on the command line (e.g. Worker:GpuJobs=2), checked for shape only.</summary>
    public static Dictionary<string, string?> ParseOverrides(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) throw new UserInputException($"--set '{pair}': expected KEY=VALUE, e.g. Worker:GpuJobs=1");
            result[pair[..equals].Replace("__", ":")] = pair[(equals + 1)..];
        }
        return result;
    }
}
