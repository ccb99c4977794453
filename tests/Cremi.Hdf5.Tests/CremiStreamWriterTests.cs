using Cremi.Core.Volumes;

namespace Cremi.Hdf5.Tests;

public class CremiStreamWriterTests
{
    private static readonly Shape3 Shape = new(11, 24, 30);
    private static readonly CremiWriteOptions SmallChunks = new() { Chunks = new Shape3(4, 16, 16) };

    private static CremiStreamWriter Create(string path, CremiDatasets datasets = CremiDatasets.Raw | CremiDatasets.Clefts) =>
        CremiStreamWriter.Create(path, Shape, TestVolumes.Resolution, new Offset3(0, 8, 4),
            new Dictionary<string, string> { ["tool"] = "test" }, datasets, SmallChunks);

    [Fact]
    public void Slabs_written_out_of_order_and_across_chunk_rows_read_back_exactly()
    {
        using var folder = new TempFolder();
        var path = folder.File("stream.hdf");
        var raw = TestVolumes.Raw(Shape);
        var clefts = TestVolumes.Clefts(Shape);
        var section = Shape.SectionSize;

        using (var writer = Create(path))
        {
            // Depth 3 against chunk depth 4: rows complete only after two or three slabs, in scrambled order.
            foreach (var z0 in new[] { 9, 3, 0, 6 })
            {
                var depth = Math.Min(3, Shape.Z - z0);
                writer.WriteSlab(z0,
                    raw: raw.Data.AsMemory(z0 * section, depth * section),
                    clefts: clefts.Data.AsMemory(z0 * section, depth * section));
            }
            writer.Commit();
        }

        using var file = CremiFile.Open(path);
        Assert.Equal(raw.Data, file.ReadRaw().Data);
        Assert.Equal(clefts.Data, file.ReadClefts().Data);
        Assert.Equal(new Offset3(0, 8, 4), file.Offset);
        Assert.False(file.HasPredictions);
        Assert.Equal("test", file.Provenance["tool"]);
    }

    [Fact]
    public void Only_chunk_rows_still_being_filled_stay_in_memory()
    {
        using var folder = new TempFolder();
        using var writer = Create(folder.File("stream.hdf"));
        var section = Shape.SectionSize; // 24x30 in chunks of 16x16: 2x2 chunks per row and dataset

        writer.WriteSlab(0, raw: new byte[3 * section], clefts: new ulong[3 * section]);
        Assert.Equal(8, writer.CachedChunks); // row 0 (sections 0..3) is incomplete in both datasets
        writer.WriteSlab(3, raw: new byte[section], clefts: new ulong[section]);
        Assert.Equal(0, writer.CachedChunks); // row 0 complete: compressed, written and released
        writer.WriteSlab(8, raw: new byte[3 * section], clefts: new ulong[3 * section]);
        Assert.Equal(0, writer.CachedChunks); // the last row has only 3 sections
        writer.WriteSlab(4, raw: new byte[2 * section], clefts: new ulong[2 * section]);
        Assert.Equal(8, writer.CachedChunks);
    }

    [Fact]
    public void Commit_refuses_a_volume_with_sections_never_written_and_leaves_no_file()
    {
        using var folder = new TempFolder();
        var path = folder.File("stream.hdf");
        var raw = TestVolumes.Raw(Shape);

        using (var writer = Create(path, CremiDatasets.Raw))
        {
            writer.WriteRaw(0, raw.Data.AsMemory(0, 4 * Shape.SectionSize));
            writer.WriteRaw(6, raw.Data.AsMemory(6 * Shape.SectionSize, 2 * Shape.SectionSize));
            var error = Assert.Throws<InvalidOperationException>(writer.Commit);
            Assert.Contains("sections 4..5, 8..10 of 'volumes/raw' were never written", error.Message);
        }

        Assert.Empty(folder.Names());
    }

    [Fact]
    public void A_section_cannot_be_written_twice()
    {
        using var folder = new TempFolder();
        using var writer = Create(folder.File("stream.hdf"), CremiDatasets.Raw);
        var twoSections = new byte[2 * Shape.SectionSize];

        writer.WriteRaw(0, twoSections);

        var error = Assert.Throws<InvalidOperationException>(() => writer.WriteRaw(1, twoSections));
        Assert.Contains("section 1 was already written", error.Message);
    }

    [Fact]
    public void Slabs_must_be_whole_sections_of_a_declared_dataset_inside_the_volume()
    {
        using var folder = new TempFolder();
        using var writer = Create(folder.File("stream.hdf"), CremiDatasets.Raw);

        Assert.Throws<ArgumentException>(() => writer.WriteRaw(0, new byte[Shape.SectionSize + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteRaw(10, new byte[2 * Shape.SectionSize]));
        var error = Assert.Throws<InvalidOperationException>(() => writer.WritePredictions(0, new byte[Shape.SectionSize]));
        Assert.Contains("'volumes/predictions/clefts' was not declared", error.Message);
    }

    [Fact]
    public void The_writer_needs_at_least_one_dataset_and_a_valid_resolution()
    {
        using var folder = new TempFolder();
        Assert.Throws<ArgumentException>(() =>
            CremiStreamWriter.Create(folder.File("a.hdf"), Shape, TestVolumes.Resolution, default, null, CremiDatasets.None));
        Assert.Throws<ArgumentException>(() =>
            CremiStreamWriter.Create(folder.File("a.hdf"), Shape, new VoxelSize(40, 0, 4), default, null, CremiDatasets.Raw));
        Assert.Empty(folder.Names());
    }
}
