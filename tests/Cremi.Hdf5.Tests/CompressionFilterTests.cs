using Cremi.Core.Volumes;
using Cremi.Hdf5.Filters;

namespace Cremi.Hdf5.Tests;

/// <summary>
/// Files compressed by h5py and hdf5plugin with the third-party filters Python users write (LZF, Blosc with each
/// codec and shuffle, LZ4), read value for value against hashes h5py computed (Fixtures/make_fixtures.py); a filter
/// we do not decode is refused by name when the file is opened; damaged streams fail instead of yielding garbage.
/// </summary>
public class CompressionFilterTests
{
    public static TheoryData<string> ReadableFiles() => new(
        Fixtures.Json("compressed.expected.json").GetProperty("files").EnumerateObject()
            .Select(f => f.Name).Where(name => name != "compressed_bzip2.hdf"));

    // compressed_lzf_shuffle_skipped.hdf holds other clefts: it has its own test below.

    [Theory]
    [MemberData(nameof(ReadableFiles))]
    public void A_compressed_h5py_file_reads_with_exact_values(string name)
    {
        var expected = Fixtures.Json("compressed.expected.json");
        using var file = CremiFile.Open(Fixtures.PathOf(name));

        Assert.Equal(new Shape3(10, 48, 56), file.Shape);
        Assert.Equal(expected.GetProperty("raw_sha256").GetString(), Hashes.Sha256(file.ReadRaw().Data));
        Assert.Equal(expected.GetProperty("clefts_sha256").GetString(), Hashes.Sha256(file.ReadClefts().Data));
    }

    [Theory]
    [MemberData(nameof(ReadableFiles))]
    public void A_block_across_partial_chunks_matches_the_whole_volume(string name)
    {
        using var file = CremiFile.Open(Fixtures.PathOf(name));
        var whole = file.ReadClefts();
        var wholeRaw = file.ReadRaw();
        var block = new Shape3(6, 25, 27);
        var clefts = file.ReadClefts(3, 20, 29, block);
        var raw = file.ReadRaw(3, 20, 29, block);

        for (var z = 0; z < block.Z; z++)
            for (var y = 0; y < block.Y; y++)
                for (var x = 0; x < block.X; x++)
                {
                    Assert.Equal(whole[3 + z, 20 + y, 29 + x], clefts[z, y, x]);
                    Assert.Equal(wholeRaw[3 + z, 20 + y, 29 + x], raw[z, y, x]);
                }
    }

    [Fact]
    public void The_fixtures_cover_every_decoder_and_chunks_stored_with_the_filter_skipped()
    {
        // Guards the fixture itself: if a regenerated file stopped exercising a path, the tests above would pass
        // without testing it.
        var files = Fixtures.Json("compressed.expected.json").GetProperty("files");
        ushort[] Filters(string file) => files.GetProperty(file).GetProperty("volumes/raw").EnumerateArray().Select(e => (ushort)e.GetInt32()).ToArray();

        Assert.Contains(LzfFilter.Id, Filters("compressed_lzf.hdf"));
        Assert.Contains(Lz4Filter.Id, Filters("compressed_lz4.hdf"));
        Assert.Contains(BloscFilter.Id, Filters("compressed_blosc_zstd.hdf"));
        Assert.Equal([2, LzfFilter.Id], files.GetProperty("compressed_lzf.hdf").GetProperty("volumes/labels/clefts").EnumerateArray().Select(e => (ushort)e.GetInt32()));
        Assert.True(files.GetProperty("compressed_lzf.hdf").GetProperty("raw_chunks_with_skipped_filters").GetInt32() > 0);
        Assert.True(files.GetProperty("compressed_blosc_blosclz.hdf").GetProperty("raw_chunks_with_skipped_filters").GetInt32() > 0);
    }

    [Fact]
    public void A_chunk_stored_with_lzf_skipped_after_a_shuffle_reads_exactly()
    {
        // h5py stored one chunk of random uint64 ids with LZF skipped (filter mask 2: bit 1, the second filter).
        // PureHDF 2.2 alone would run LZF on it and skip the shuffle (WholePipelineFilter).
        var expected = Fixtures.Json("compressed.expected.json").GetProperty("lzf_shuffle_skipped");
        Assert.Equal([0, 2], expected.GetProperty("clefts_filter_masks").EnumerateArray().Select(e => e.GetInt32()));
        using var file = CremiFile.Open(Fixtures.PathOf(expected.GetProperty("file").GetString()!));

        Assert.Equal(expected.GetProperty("clefts_sha256").GetString(), Hashes.Sha256(file.ReadClefts().Data));
    }

    [Fact]
    public void A_filter_cremi_cannot_decode_is_refused_at_open_by_name()
    {
        var path = Fixtures.PathOf("compressed_bzip2.hdf");
        var error = Assert.Throws<CremiFileException>(() => CremiFile.Open(path));

        Assert.StartsWith(path + ": 'volumes/raw' is stored with the HDF5 filter bzip2 (id 307)", error.Message);
        Assert.Contains("h5repack -f GZIP=4", error.Message);
    }

    [Fact]
    public void Info_names_the_filters_of_a_compressed_file()
    {
        var info = CremiInfoReader.Read(Fixtures.PathOf("compressed_lzf.hdf"));

        Assert.Equal(["shuffle", "lzf"], info.Datasets.Single(d => d.Path == "volumes/labels/clefts").Filters);
        Assert.Equal(1125, info.Clefts!.CleftVoxels);
    }

    [Fact]
    public void Damaged_lzf_streams_fail()
    {
        var output = new byte[16];
        // A literal run of 4 bytes with only 2 present.
        Assert.Throws<InvalidDataException>(() => LzfFilter.Decompress([3, 1, 2], output));
        // A back reference (length 3, distance 1) as the first instruction points before the chunk.
        Assert.Throws<InvalidDataException>(() => LzfFilter.Decompress([0x20, 0x00], output));
        // More output than the chunk holds.
        Assert.Throws<InvalidDataException>(() => LzfFilter.Decompress([0, 7, 0xE0, 0xFF, 0x00], output));
        // A valid stream: literal "ab", then 4 bytes from distance 2: "ababab".
        Assert.Equal(6, LzfFilter.Decompress([1, (byte)'a', (byte)'b', 0x40, 0x01], output));
        Assert.Equal("ababab"u8.ToArray(), output[..6]);
    }

    [Fact]
    public void Damaged_blosc_and_lz4_chunks_fail()
    {
        var header = new byte[16];
        header[0] = 3; // a Blosc 2 chunk where a Blosc 1 frame belongs
        Assert.Throws<InvalidDataException>(() => BloscFilter.Decompress(header));
        Assert.Throws<InvalidDataException>(() => BloscFilter.Decompress(header.AsSpan(0, 10)));
        // LZ4: 100 bytes promised, one block of 100 claimed at 50 stored bytes, none present.
        byte[] lz4 = [0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 100, 0, 0, 0, 50];
        Assert.Throws<InvalidDataException>(() => Lz4Filter.Decompress(lz4));
    }

    [Fact]
    public void Bit_unshuffle_inverts_the_bitshuffle_layout()
    {
        // 8 values of 2 bytes; value i = 0x0100 * i + (1 << (i % 8)). Row 8*byte + bit holds that bit of all 8 values.
        var values = Enumerable.Range(0, 8).Select(i => (ushort)(0x100 * i + (1 << (i % 8)))).ToArray();
        var shuffled = new byte[16];
        for (var j = 0; j < 2; j++)
            for (var bit = 0; bit < 8; bit++)
                for (var i = 0; i < 8; i++)
                    if ((values[i] >> (8 * j + bit) & 1) != 0) shuffled[j * 8 + bit] |= (byte)(1 << i);
        var restored = new byte[16];

        ByteUnshuffle.Bits(shuffled, restored, 2);

        Assert.Equal(values, Enumerable.Range(0, 8).Select(i => (ushort)(restored[2 * i] | restored[2 * i + 1] << 8)));
    }
}
