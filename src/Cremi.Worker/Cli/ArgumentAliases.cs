namespace Cremi.Worker.Cli;

/// <summary>
/// Spelling the documentation promises that the parser cannot declare: Spectre.Console.Cli rejects one-letter long
/// options, but `--z K` (section index, as in the Python tool's scripts and our issues) reads naturally, so it is
/// mapped to the short form `-z K` before parsing.
/// </summary>
internal static class ArgumentAliases
{
    public static string[] Normalize(string[] args) =>
        args.Select(a => a == "--z" ? "-z" : a.StartsWith("--z=", StringComparison.Ordinal) ? "-z=" + a[4..] : a).ToArray();
}
