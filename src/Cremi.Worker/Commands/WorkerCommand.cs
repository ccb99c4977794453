using System.ComponentModel;
using Cremi.Worker.Service;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>
/// `cremi worker`: the long-running service. Settings come from appsettings/ beside the program, CREMI__* variables
/// and these options (which win). Stops gracefully on SIGTERM or Ctrl-C: running jobs checkpoint and resume on
/// the next start.
/// </summary>
public sealed class WorkerCommand : AsyncCommand<WorkerCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--inbox <DIR>")]
        [Description("Folder watched for *.hdf, *.h5 and *.job.json (Worker:Inbox).")]
        public string? Inbox { get; init; }

        [CommandOption("--outbox <DIR>")]
        [Description("Folder where each finished job's folder appears (Worker:Outbox).")]
        public string? Outbox { get; init; }

        [CommandOption("--work <DIR>")]
        [Description("Claimed inputs and job state (Worker:Work).")]
        public string? Work { get; init; }

        [CommandOption("--failed <DIR>")]
        [Description("Files that could not be processed, with error.json (Worker:Failed).")]
        public string? Failed { get; init; }

        [CommandOption("--model <PATH>")]
        [Description("Default model.cremi for dropped *.hdf files (Worker:DefaultModel).")]
        public string? Model { get; init; }

        [CommandOption("--port <PORT>")]
        [Description("Port of the jobs, health, metrics and display endpoint (Display:Port); 0 picks a free one.")]
        public int? Port { get; init; }

        [CommandOption("--store <STORE>")]
        [Description("Quartz job store: memory (one machine, the default) or postgres (several workers share one queue) (Scheduler:Store).")]
        public string? Store { get; init; }

        [CommandOption("--connection <STRING>")]
        [Description("PostgreSQL connection string for --store postgres, e.g. \"Host=db;Port=5432;Database=cremi;Username=cremi\" (Scheduler:Connection).")]
        public string? Connection { get; init; }

        [CommandOption("--set <KEY=VALUE>")]
        [Description("Any other setting, e.g. --set Worker:GpuJobs=1 (repeatable).")]
        public string[] Set { get; init; } = [];
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var overrides = WorkerHost.ParseOverrides(settings.Set);
        void Put(string key, object? value) { if (value is not null) overrides[key] = value.ToString(); }
        Put("Worker:Inbox", settings.Inbox);
        Put("Worker:Outbox", settings.Outbox);
        Put("Worker:Work", settings.Work);
        Put("Worker:Failed", settings.Failed);
        Put("Worker:DefaultModel", settings.Model);
        Put("Display:Port", settings.Port);
        Put("Scheduler:Store", settings.Store);
        Put("Scheduler:Connection", settings.Connection);

        await using var app = WorkerHost.Build(overrides);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cremi.Worker").LogInformation("listening on {Address}", address);
        await app.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }
}
