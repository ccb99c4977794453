using Cremi.Hdf5;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Cli;

/// <summary>
/// Turns failures into one readable line on the console and an exit code: 1 for bad input files and failed work,
/// 2 for a command line that does not parse. Unexpected errors keep their type so bugs can be reported.
/// </summary>
public static class CliErrors
{
    public const int Failure = 1;
    public const int Usage = 2;

    public static int Report(IAnsiConsole console, Exception error)
    {
        switch (error)
        {
            case CremiFileException file:
                Line(console, file.Message);
                return Failure;
            case Cremi.Learning.Training.ModelFileException model:
                Line(console, model.Message);
                return Failure;
            case Microsoft.Extensions.Options.OptionsValidationException settings:
                Line(console, $"invalid settings: {string.Join("; ", settings.Failures)}");
                return Failure;
            case CommandAppException or CommandParseException or CommandRuntimeException:
                Line(console, error.Message);
                return Usage;
            case FormatException or ArgumentException or UserInputException:
                Line(console, error.Message);
                return Failure;
            case IOException or UnauthorizedAccessException:
                Line(console, error.Message);
                return Failure;
            case OperationCanceledException:
                Line(console, "cancelled");
                return 130;
            default:
                Line(console, $"{error.GetType().Name}: {error.Message}");
                return Failure;
        }
    }

    private static void Line(IAnsiConsole console, string message) =>
        console.MarkupLineInterpolated($"[red]error:[/] {message}");
}

/// <summary>A problem with what the user asked for (an option value, a file choice), reported without a stack trace.</summary>
public sealed class UserInputException(string message) : Exception(message);
