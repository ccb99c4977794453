namespace Cremi.Hdf5;

/// <summary>
/// A user's HDF5 file could not be opened, read or written as a CREMI volume.
/// The message is always one line, "FILE: PROBLEM", because the CLI prints it as-is: users must see which
/// file is wrong and why, never a PureHDF stack trace. The original exception, if any, stays in InnerException
/// for logs.
/// </summary>
public sealed class CremiFileException : Exception
{
    public CremiFileException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {OneLine(problem)}", innerException)
    {
        FilePath = filePath;
        Problem = OneLine(problem);
    }

    /// <summary>The file as the caller named it.</summary>
    public string FilePath { get; }

    /// <summary>The problem without the file name, e.g. "dataset 'volumes/raw' is missing".</summary>
    public string Problem { get; }

    /// <summary>
    /// A short, single-line account of a library exception and its inner exceptions (PureHDF often wraps the
    /// useful message, e.g. "Filter pipeline failed." around a zlib error).
    /// </summary>
    internal static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var e = exception; e is not null && parts.Count < 4; e = e.InnerException)
        {
            var text = OneLine(e.Message);
            if (text.Length > 0 && !parts.Contains(text)) parts.Add(text);
        }
        var joined = parts.Count == 0 ? exception.GetType().Name : string.Join(": ", parts);
        return joined.Length <= 300 ? joined : joined[..297] + "...";
    }

    /// <summary>
    /// The problem to report when PureHDF fails on a file: "file is truncated or damaged (...)", except for what is
    /// not damage but a limit of ours, said as such: big-endian data (PureHDF 2.2 does not convert byte order; h5py
    /// and every x86 or ARM tool write little-endian, but some older and Java-based ones do not).
    /// </summary>
    internal static string Unreadable(Exception exception, string? dataset = null)
    {
        var detail = Describe(exception);
        if (detail.Contains("Byte order conversion", StringComparison.Ordinal))
            return $"{(dataset is null ? "a dataset or attribute" : $"'{dataset}'")} is stored big-endian, which cremi cannot read; " +
                   "rewrite it little-endian, e.g. in h5py: data.astype(data.dtype.newbyteorder('<'))";
        return $"file is truncated or damaged ({(dataset is null ? "" : $"reading '{dataset}': ")}{detail})";
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
