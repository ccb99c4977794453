using Cremi.Worker.Cli;
using Spectre.Console;

// `cremi`: one program for every verb. The command table is in Cli/CremiApp.cs, each verb in Commands/.
MallocRelaunch.IfNeeded(); // returns only when no relaunch is needed (or possible)
var errors = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
return CremiApp.Run(args, AnsiConsole.Console, errors);
