using Cremi.Worker.Service;
using Microsoft.Extensions.Options;

namespace Cremi.Worker.Tests.Worker;

/// <summary>failed/&lt;id&gt;/ appears whole, and a move interrupted by a crash is completed at the next start.</summary>
public sealed class FailedFolderTests
{
    [Fact]
    public void A_failure_holds_the_users_file_and_error_json_and_leaves_no_staging_folder()
    {
        using var root = new TempFolder();
        var failed = new FailedFolder(Options.Create(new WorkerOptions { Failed = root.File("failed") }));
        var file = root.File("bad.hdf");
        File.WriteAllText(file, "user data");
        failed.Store(file, new FailureReport("job-1", "bad.hdf", "claim", "not HDF5", 3, null, DateTimeOffset.UnixEpoch));
        Assert.False(File.Exists(file));
        Assert.Equal("user data", File.ReadAllText(Path.Combine(failed.Folder("job-1"), "bad.hdf")));
        Assert.True(File.Exists(Path.Combine(failed.Folder("job-1"), FailedFolder.ErrorFile)));
        Assert.Equal(["job-1"], Directory.GetDirectories(root.File("failed")).Select(Path.GetFileName));
    }

    [Fact]
    public void An_interrupted_move_is_completed_and_an_existing_folder_is_never_overwritten()
    {
        using var root = new TempFolder();
        var failedRoot = root.File("failed");
        var failed = new FailedFolder(Options.Create(new WorkerOptions { Failed = failedRoot }));
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(failedRoot, ".staging-job-2")).FullName, "x.hdf"), "mine");
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(failedRoot, ".staging-job-3")).FullName, "y.hdf"), "new");
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(failedRoot, "job-3")).FullName, "y.hdf"), "old");

        Assert.Equal(["job-2"], failed.CompleteInterrupted());
        Assert.Equal("mine", File.ReadAllText(Path.Combine(failedRoot, "job-2", "x.hdf")));
        Assert.Equal("old", File.ReadAllText(Path.Combine(failedRoot, "job-3", "y.hdf")));
        Assert.True(Directory.Exists(Path.Combine(failedRoot, ".staging-job-3")), "kept for a person to look at");
    }
}
