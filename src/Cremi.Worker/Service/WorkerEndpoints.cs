using System.Net;
using System.Text;
using System.Text.Json;
using Cremi.Viewer.Neuroglancer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cremi.Worker.Service;

/// <summary>
/// The worker's HTTP endpoints on its Kestrel listener (Display:Bind and Display:Port):
///   /healthz  200 while the process serves;   /readyz  200 once jobs are recovered and the inbox is watched, else 503
///   /jobs     every job: state, timings, trace id, outputs (JSON);   /metrics  Prometheus text format
///   /         an HTML page of finished jobs with their metrics, outputs and viewer links;   /outbox/{id}/{file}  a published output
///   /jobs/{id}/view  Neuroglancer on the job's input and mask (Cremi.Viewer's JobViews: /viewer/, /jobs/{id}/data/)
/// </summary>
public static class WorkerEndpoints
{
    public static void MapWorkerEndpoints(this WebApplication app)
    {
        // Same rule as `cremi display`: loopback Host names only, or the token when bound to the network.
        app.UseDisplayAccessGuard(app.Services.GetRequiredService<IOptions<DisplayOptions>>().Value.Token);
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (WorkerReadiness readiness) =>
            readiness.Ready ? Results.Text("ready\n") : Results.Text("starting\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/jobs", (JobStore store) => Results.Json(store.All(), JsonFiles.Options));
        app.MapGet("/outbox/{id}/{file}", (string id, string file, JobStore store, Outbox outbox) =>
        {
            // Only names the job published, never a path: nothing else on the disk can be reached.
            if (store.Find(id) is not { State: JobState.Succeeded } job || !job.Outputs.Contains(file)) return Results.NotFound();
            var type = Path.GetExtension(file) switch { ".png" => "image/png", ".json" => "application/json", ".csv" => "text/csv", _ => "application/octet-stream" };
            return Results.File(Path.Combine(outbox.Folder(id), file), type);
        });
        app.MapGet("/", (JobStore store, Outbox outbox) => Results.Content(IndexHtml(store, outbox), "text/html; charset=utf-8"));
        MapJobViews(app);
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus)
            app.MapPrometheusScrapingEndpoint();
    }

    /// <summary>Neuroglancer for every finished job with a mask: its input (raw, true clefts) beside its mask.</summary>
    private static void MapJobViews(WebApplication app)
    {
        var store = app.Services.GetRequiredService<JobStore>();
        var outbox = app.Services.GetRequiredService<Outbox>();
        var views = new JobViews(id => ViewFiles(store, outbox, id));
        views.Map(app);
        app.Lifetime.ApplicationStopped.Register(views.Dispose);
    }

    private static ViewFiles? ViewFiles(JobStore store, Outbox outbox, string id)
    {
        if (store.Find(id) is not { State: JobState.Succeeded } job || !job.Outputs.Contains(JobWork.MaskName)) return null;
        return new ViewFiles(job.Inputs[0], Path.Combine(outbox.Folder(id), JobWork.MaskName));
    }

    private static string IndexHtml(JobStore store, Outbox outbox)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>cremi worker</title>")
            .Append("<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left;vertical-align:top}</style></head><body>")
            .Append("<h1>cremi worker</h1><p><a href=\"/jobs\">all jobs (JSON)</a> · <a href=\"/metrics\">metrics</a></p>")
            .Append("<table><tr><th>job</th><th>kind</th><th>input</th><th>finished</th><th>metrics</th><th>outputs</th></tr>");
        foreach (var job in store.All().Where(j => j.State == JobState.Succeeded).Reverse())
        {
            var metricsPath = Path.Combine(outbox.Folder(job.Id), JobWork.MetricsName);
            var metrics = File.Exists(metricsPath) ? Summary(metricsPath) : "";
            var links = string.Join(" ", job.Outputs.Select(o => $"<a href=\"/outbox/{Uri.EscapeDataString(job.Id)}/{Uri.EscapeDataString(o)}\">{E(o)}</a>"));
            if (job.Outputs.Contains(JobWork.MaskName)) links = $"<a href=\"{JobViews.ViewPath(job.Id)}\"><b>view</b></a> " + links;
            html.Append($"<tr><td>{E(job.Id)}</td><td>{E(job.Kind.ToString().ToLowerInvariant())}</td><td>{E(job.Source)}</td>")
                .Append($"<td>{job.FinishedAt:u}</td><td>{E(metrics)}</td><td>{links}</td></tr>");
        }
        return html.Append("</table></body></html>").ToString();
    }

    /// <summary>The top-level numbers of metrics.json, one line.</summary>
    private static string Summary(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return string.Join(", ", json.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Number)
            .Select(p => $"{p.Name} {p.Value.GetDouble():G4}"));
    }
}
