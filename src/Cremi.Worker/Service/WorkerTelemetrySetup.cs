using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cremi.Worker.Service;

/// <summary>
/// OpenTelemetry, set up once: the worker's spans and instruments go to the console (default), to OTLP when
/// Telemetry:OtlpEndpoint or OTEL_EXPORTER_OTLP_ENDPOINT is set, and metrics to /metrics for Prometheus.
/// </summary>
public static class WorkerTelemetrySetup
{
    public static void AddWorkerTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = options.OtlpEndpoint is { Length: > 0 } e ? e : Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        builder.Services.AddSingleton<WorkerTelemetry>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("cremi-worker"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(WorkerTelemetry.Name);
                if (options.Console) tracing.AddConsoleExporter();
                if (otlp is { Length: > 0 }) tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(WorkerTelemetry.Name);
                if (options.Prometheus) metrics.AddPrometheusExporter();
                if (options.Console) metrics.AddConsoleExporter();
                if (otlp is { Length: > 0 }) metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            });
        if (otlp is { Length: > 0 })
            telemetry.WithLogging(logging => logging.AddOtlpExporter(o => o.Endpoint = new Uri(otlp)),
                o => { o.IncludeFormattedMessage = true; o.IncludeScopes = true; });
    }
}
