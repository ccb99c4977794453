using System.ComponentModel;
using System.Text.Json;
using Cremi.Hdf5;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>`cremi info FILE`: what is in an HDF5 volume, read without loading it whole.</summary>
public sealed class InfoCommand(IAnsiConsole console) : Command<InfoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A CREMI-layout HDF5 file, or a mask written by the Python tool (dataset 'data').")]
        public string File { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print JSON (snake_case keys) instead of tables.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var info = CremiInfoReader.Read(settings.File);
        if (settings.Json)
        {
            console.Profile.Width = int.MaxValue; // never wrap JSON lines
            console.WriteLine(JsonSerializer.Serialize(InfoJson.From(info), InfoJson.Options));
            return 0;
        }
        if (info.ResolutionWasDefaulted)
            console.MarkupLineInterpolated($"[yellow]warning:[/] {info.Path}: no 'resolution' attribute; assuming {info.Resolution}");
        InfoTables.Write(console, info);
        return 0;
    }
}
