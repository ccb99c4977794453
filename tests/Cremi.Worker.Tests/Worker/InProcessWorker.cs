using System.Diagnostics;
using Cremi.Worker.Service;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Cremi.Worker.Tests.Worker;

/// <summary>
/// The worker host built by <see cref="WorkerHost.Build"/> inside the test process, with OpenTelemetry's in-memory
/// exporters added to its own tracer, meter and logger providers: what they receive is what a collector would get.
/// The lists are filled from the job threads, so read them only after <see cref="StopAsync"/>.
/// </summary>
internal sealed class InProcessWorker(WebApplication app, List<Activity> spans, List<Metric> metrics, List<LogRecord> logs) : IAsyncDisposable
{
    private bool _stopped;

    public IReadOnlyList<Activity> Spans => Stopped(spans);
    public IReadOnlyList<LogRecord> Logs => Stopped(logs);

    public static async Task<InProcessWorker> StartAsync(WorkerFolders folders, string model)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Worker:Inbox"] = folders.Inbox, ["Worker:Outbox"] = folders.Outbox, ["Worker:Work"] = folders.Work,
            ["Worker:Failed"] = folders.Failed, ["Worker:DefaultModel"] = model, ["Display:Port"] = "0",
            ["Worker:StableSeconds"] = "0.5", ["Worker:RetryDelaySeconds"] = "0.2", ["Worker:RescanSeconds"] = "1",
            ["Telemetry:Console"] = "false",
        };
        List<Activity> spans = [];
        List<Metric> metrics = [];
        List<LogRecord> logs = [];
        var app = WorkerHost.Build(overrides, builder =>
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.AddInMemoryExporter(logs);
            });
        });
        await app.StartAsync();
        return new InProcessWorker(app, spans, metrics, logs);
    }

    /// <summary>Stops the host: every job has finished and every span ended when this returns.</summary>
    public async Task StopAsync()
    {
        await app.StopAsync();
        _stopped = true;
    }

    /// <summary>Collects every instrument (observable gauges included) now; the metrics as exported.</summary>
    public IReadOnlyList<Metric> CollectMetrics()
    {
        Stopped(metrics).Clear();
        app.Services.GetRequiredService<MeterProvider>().ForceFlush();
        return metrics;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped) await app.StopAsync();
        await app.DisposeAsync();
    }

    private T Stopped<T>(T value) => _stopped ? value : throw new InvalidOperationException("stop the worker before reading what it exported");
}
