using System.ComponentModel;
using Cremi.Hdf5;
using Cremi.Worker.Cli;
using Cremi.Worker.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>
/// `cremi test DATA.hdf MODEL`: generates a mask for an annotated file and scores it against the file's own labels
/// (the seed tool's testing, with real metrics). The mask goes to a temporary file unless --out keeps it.
/// </summary>
public sealed class TestCommand(IAnsiConsole console) : Command<TestCommand.Settings>
{
    public sealed class Settings : GenerateSettings
    {
        [CommandOption("--json")]
        [Description("Print the evaluation as JSON (the keys of `cremi evaluate --json`).")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using (var data = CremiFile.Open(settings.Data)) data.Require(CremiDatasets.Raw | CremiDatasets.Clefts);
        var keep = settings.Output is not null;
        if (keep) OutputFile.CheckWritable(settings.Output!, settings.Overwrite);
        var output = settings.Output ?? Path.Combine(Path.GetTempPath(), $"cremi-test-{Guid.NewGuid():N}.hdf");
        try
        {
            // With --json only the JSON goes to the console, so scripts can parse it.
            var progressConsole = settings.Json ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }) : console;
            GenerateCommand.Run(progressConsole, settings, output, cancellationToken);
            var metrics = Evaluation.Compare(settings.Data, output);
            EvaluationReport.Write(console, metrics, settings.Json, $"{Path.GetFileName(settings.Model)} on {Path.GetFileName(settings.Data)}");
            if (settings.Display) GenerateCommand.DisplayResult(console, settings, output, cancellationToken);
            return 0;
        }
        finally
        {
            if (!keep) File.Delete(output);
        }
    }
}
