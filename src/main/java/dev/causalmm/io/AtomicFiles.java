package dev.causalmm.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file replacement: write a temporary file beside the target, force it to disk, then
 * rename it over the target in one atomic step. A crash at any point leaves either the old or the
 * new file complete, never a torn one (and, at worst, a stale {@code .NAME.RANDOM.tmp} file that
 * {@link #deleteStaleTemporaries} removes on resume). Files get the permissions the user's umask
 * gives a new file, as any other program's output does.
 */
public final class AtomicFiles {
    private static final String TMP_SUFFIX = ".tmp";

    private AtomicFiles() {}

    public static void write(Path target, byte[] content) throws IOException {
        write(target, ch -> {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) ch.write(buf);
        });
    }

    /** Writes a file's content to a channel (streamed, so a file may exceed what one array holds). */
    @FunctionalInterface
    public interface ChannelWriter {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Like {@link #write(Path, byte[])}, for content streamed by {@code writer} (e.g. files over 2 GiB). */
    public static void write(Path target, ChannelWriter writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write " + target + ": it is a directory, not a file");
        }
        Files.createDirectories(dir);
        Path tmp = newTemporary(dir, target.getFileName().toString());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.writeTo(ch);
                ch.force(true);
            } catch (IOException e) {
                if (e instanceof FileSystemException || e.getMessage() == null || e.getMessage().contains(target.toString())) throw e;
                throw new IOException("cannot write " + target + ": " + e.getMessage(), e); // "No space left on device" names no file
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes a file's content to a stream; for {@link #writeStream(Path, Content)}. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Like {@link #write(Path, byte[])}, for content streamed rather than held in one array (large
     * volumes): the stream goes to the temporary file, which is forced and renamed as above.
     */
    public static void writeStream(Path target, Content content) throws IOException {
        write(target, ch -> {
            OutputStream out = Channels.newOutputStream(ch);
            content.writeTo(out);
            out.flush();
        });
    }

    /**
     * A one-line description of an I/O failure that names the file and what went wrong (the JDK's
     * own messages are often just the path, or just "Is a directory").
     */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String reason = f.getReason();
            if (reason == null) {
                reason = switch (f) {
                    case NoSuchFileException x -> "no such file or folder";
                    case AccessDeniedException x -> "permission denied";
                    case FileAlreadyExistsException x -> "it already exists";
                    case DirectoryNotEmptyException x -> "it is a folder that is not empty";
                    case NotDirectoryException x -> "it is not a folder";
                    default -> f.getClass().getSimpleName();
                };
            }
            return "cannot access " + f.getFile() + (f.getOtherFile() == null ? "" : " or " + f.getOtherFile()) + ": " + reason;
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    public static void writeString(Path target, String content) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Removes the temporary files a crashed {@link #write} left in {@code dir} (not recursive).
     * Call it only when no other process writes to {@code dir}, e.g. when resuming a run there.
     *
     * @return how many were removed
     */
    public static int deleteStaleTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int n = 0;
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (isTemporary(p.getFileName().toString()) && Files.isRegularFile(p) && Files.deleteIfExists(p)) n++;
            }
        }
        return n;
    }

    /** Whether {@code name} has the form of this class's temporary files: {@code .TARGET.DIGITS.tmp}. */
    static boolean isTemporary(String name) {
        if (!name.startsWith(".") || !name.endsWith(TMP_SUFFIX)) return false;
        String core = name.substring(1, name.length() - TMP_SUFFIX.length());
        int dot = core.lastIndexOf('.');
        return dot > 0 && dot < core.length() - 1 && core.substring(dot + 1).chars().allMatch(Character::isDigit);
    }

    /**
     * A new empty file {@code .NAME.RANDOM.tmp} in {@code dir}, created without explicit
     * permissions so the umask applies ({@code Files.createTempFile} would make it 0600).
     */
    private static Path newTemporary(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + TMP_SUFFIX);
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // some file systems cannot fsync a directory; the rename itself is still atomic
        }
    }
}
