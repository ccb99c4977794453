using Cremi.Core.Volumes;

namespace Cremi.Hdf5.Tests;

public class AtomicWriteTests
{
    private static readonly Shape3 Shape = new(6, 20, 24);

    private static CremiStreamWriter Create(string path) =>
        CremiStreamWriter.Create(path, Shape, TestVolumes.Resolution, default, null, CremiDatasets.Raw | CremiDatasets.Clefts,
            new CremiWriteOptions { Chunks = new Shape3(2, 16, 16) });

    [Fact]
    public void While_writing_only_a_temporary_file_exists_next_to_the_final_name()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.hdf");

        using var writer = Create(path);
        writer.WriteRaw(0, TestVolumes.Raw(Shape).Data.AsMemory(0, 2 * Shape.SectionSize));

        var name = Assert.Single(folder.Names());
        Assert.StartsWith("out.hdf.tmp-", name);
        Assert.Equal(writer.TempPath, folder.File(name));
    }

    [Fact]
    public void A_writer_that_throws_midway_leaves_neither_temporary_nor_final_file()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.hdf");
        var raw = TestVolumes.Raw(Shape);

        var error = Assert.Throws<InvalidDataException>(WriteHalfThenFail);

        Assert.Equal("the network failed halfway", error.Message);
        Assert.Empty(folder.Names());

        void WriteHalfThenFail()
        {
            using var writer = Create(path);
            writer.WriteRaw(0, raw.Data.AsMemory(0, 4 * Shape.SectionSize));
            throw new InvalidDataException("the network failed halfway");
        }
    }

    [Fact]
    public void An_existing_file_stays_intact_when_a_replacement_fails()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.hdf");
        CremiWriter.Write(path, new CremiContent { Raw = TestVolumes.Raw(Shape) });
        var before = File.ReadAllBytes(path);

        Assert.Throws<InvalidOperationException>(() =>
        {
            using var writer = Create(path);
            writer.WriteRaw(0, new byte[Shape.Count]);
            writer.Commit(); // clefts missing
        });
        Assert.Throws<ArgumentException>(() =>
            CremiWriter.Write(path, new CremiContent { Raw = TestVolumes.Raw(Shape), Clefts = TestVolumes.Clefts(new Shape3(1, 1, 1)) }));

        Assert.Equal(["out.hdf"], folder.Names());
        Assert.Equal(before, File.ReadAllBytes(path));
        using var file = CremiFile.Open(path);
        Assert.Equal(TestVolumes.Raw(Shape).Data, file.ReadRaw().Data);
    }

    [Fact]
    public void A_successful_write_replaces_an_existing_file()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.hdf");
        CremiWriter.Write(path, new CremiContent { Raw = TestVolumes.Raw(Shape) });

        CremiWriter.Write(path, new CremiContent { Predictions = TestVolumes.Predictions(new Shape3(2, 3, 4)) });

        Assert.Equal(["out.hdf"], folder.Names());
        using var file = CremiFile.Open(path);
        Assert.Equal(CremiDatasets.Predictions, file.Datasets);
        Assert.Equal(new Shape3(2, 3, 4), file.Shape);
    }

    [Fact]
    public void Writing_into_a_missing_folder_names_the_file()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "no-such-folder", "out.hdf");

        var error = Assert.Throws<CremiFileException>(() => CremiWriter.Write(path, new CremiContent { Raw = TestVolumes.Raw(Shape) }));

        Assert.Equal(path, error.FilePath);
        Assert.StartsWith($"{path}: cannot write: folder '", error.Message);
        Assert.Empty(folder.Names());
    }
}
