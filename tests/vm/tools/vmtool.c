/* vmtool: helpers for the VM test bed's cases.
 *
 *   vmtool cmp-frame SHOT.ppm FRAME.raw WIDTH HEIGHT FOURCC [STRIDE]
 *       compares a screendump with a raw frame (XR24/AR24, as V4L2 and DRM
 *       lay them out: B, G, R, X bytes; or BGR3: B, G, R) at the
 *       screendump's top left; exit 0 only when every pixel matches.
 *   vmtool crc DATA [SAME]
 *       reads a DRM debugfs CRC data file (one entry a read) until SAME
 *       (default 3) entries in a row carry the same CRC, and prints it;
 *       gives up after 60 s.
 *   vmtool rusage OUT COMMAND [ARG...]
 *       runs COMMAND and writes its resource use, "USER_NS SYS_NS MINFLT
 *       MAJFLT NVCSW NIVCSW" (CPU time, page faults, context switches), to OUT;
 *       exits with COMMAND's status.
 *   vmtool ioctl-errno DEVICE CMD
 *       issues ioctl CMD (a number) with a zeroed 256-byte argument and
 *       prints the errno name it failed with (or "0").
 *   vmtool expbuf DEVICE
 *       REQBUFS(MMAP, 4) on the device's capture queue, then VIDIOC_EXPBUF
 *       of buffer 0 as a streaming application would; prints "0" when the
 *       driver gave a dma-buf fd, else the errno name EXPBUF failed with.
 *   vmtool in-formats CARD
 *       prints each format and modifier the card's planes (cursors left
 *       out) take, once each, as "FOURCC" (linear) or "FOURCC:0xMODIFIER",
 *       from their IN_FORMATS blobs (linear formats for a plane without
 *       one), as GStreamer writes a drm-format.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/videodev2.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

static unsigned char *
read_file (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  unsigned char *buf = NULL;
  long size;

  if (!f) {
    fprintf (stderr, "vmtool: %s: %s\n", path, strerror (errno));
    return NULL;
  }
  if (fseek (f, 0, SEEK_END) != 0 || (size = ftell (f)) < 0)
    goto out;
  rewind (f);
  buf = malloc (size ? size : 1);
  if (buf && fread (buf, 1, size, f) != (size_t) size) {
    free (buf);
    buf = NULL;
  }
  *len = size;
out:
  if (!buf)
    fprintf (stderr, "vmtool: cannot read %s\n", path);
  fclose (f);
  return buf;
}

/* Parses a binary PPM (P6, maxval 255) header; returns the pixel offset. */
static long
ppm_header (const unsigned char *d, size_t len, int *w, int *h)
{
  long v[3];
  size_t pos = 2;
  int i;

  if (len < 2 || d[0] != 'P' || d[1] != '6')
    return -1;
  for (i = 0; i < 3; i++) {
    for (;;) {
      while (pos < len && (d[pos] == ' ' || d[pos] == '\n' || d[pos] == '\r'
              || d[pos] == '\t'))
        pos++;
      if (pos < len && d[pos] == '#') {
        while (pos < len && d[pos] != '\n')
          pos++;
        continue;
      }
      break;
    }
    v[i] = 0;
    while (pos < len && d[pos] >= '0' && d[pos] <= '9')
      v[i] = v[i] * 10 + (d[pos++] - '0');
  }
  if (v[2] != 255 || pos >= len)
    return -1;
  *w = v[0];
  *h = v[1];
  return pos + 1;
}

static int
cmp_frame (int argc, char **argv)
{
  unsigned char *ppm, *raw;
  size_t ppm_len, raw_len;
  int pw, ph, w, h, stride, bpp, x, y;
  long off, bad = 0, first_x = -1, first_y = -1;

  if (argc < 6)
    return 2;
  w = atoi (argv[3]);
  h = atoi (argv[4]);
  if (strcmp (argv[5], "XR24") == 0 || strcmp (argv[5], "AR24") == 0) {
    bpp = 4;
  } else if (strcmp (argv[5], "BGR3") == 0) {
    bpp = 3;
  } else {
    fprintf (stderr, "vmtool: unsupported fourcc %s\n", argv[5]);
    return 2;
  }
  stride = argc > 6 ? atoi (argv[6]) : w * bpp;
  ppm = read_file (argv[1], &ppm_len);
  raw = read_file (argv[2], &raw_len);
  if (!ppm || !raw)
    return 2;
  off = ppm_header (ppm, ppm_len, &pw, &ph);
  if (off < 0 || (size_t) off + (size_t) pw * ph * 3 > ppm_len) {
    fprintf (stderr, "vmtool: %s is not a complete P6 PPM\n", argv[1]);
    return 2;
  }
  if (pw < w || ph < h || raw_len < (size_t) stride * (h - 1) + w * bpp) {
    fprintf (stderr, "vmtool: screen %dx%d, frame %dx%d stride %d in %zu "
        "bytes: sizes do not fit\n", pw, ph, w, h, stride, raw_len);
    return 1;
  }
  for (y = 0; y < h; y++) {
    for (x = 0; x < w; x++) {
      const unsigned char *s = ppm + off + ((size_t) y * pw + x) * 3;
      const unsigned char *r = raw + (size_t) y * stride + x * bpp;
      if (s[0] != r[2] || s[1] != r[1] || s[2] != r[0]) {
        if (!bad++) {
          first_x = x;
          first_y = y;
        }
      }
    }
  }
  printf ("# screen %dx%d, frame %dx%d: %ld of %d pixels differ", pw, ph, w,
      h, bad, w * h);
  if (bad)
    printf (", first at (%ld,%ld)", first_x, first_y);
  printf ("\n");
  free (ppm);
  free (raw);
  return bad ? 1 : 0;
}

static int
crc (int argc, char **argv)
{
  char line[128], last[32] = "";
  int fd, same = 0, want = argc > 2 ? atoi (argv[2]) : 3;

  fd = open (argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf (stderr, "vmtool: %s: %s\n", argv[1], strerror (errno));
    return 2;
  }
  alarm (60);
  while (same < want) {
    char value[32];
    ssize_t n = read (fd, line, sizeof line - 1);

    if (n <= 0) {
      fprintf (stderr, "vmtool: reading %s: %s\n", argv[1],
          n ? strerror (errno) : "end of file (no CRC source?)");
      close (fd);
      return 1;
    }
    line[n] = '\0';
    if (sscanf (line, "%*s %31s", value) != 1)
      continue;
    same = strcmp (value, last) == 0 ? same + 1 : 1;
    snprintf (last, sizeof last, "%s", value);
  }
  close (fd);
  printf ("%s\n", last);
  return 0;
}

static int
rusage_run (int argc, char **argv)
{
  struct rusage ru;
  FILE *out;
  pid_t pid;
  int status;

  pid = fork ();
  if (pid < 0)
    return 2;
  if (pid == 0) {
    execvp (argv[2], argv + 2);
    fprintf (stderr, "vmtool: %s: %s\n", argv[2], strerror (errno));
    _exit (127);
  }
  if (wait4 (pid, &status, 0, &ru) < 0)
    return 2;
  out = fopen (argv[1], "w");
  if (!out)
    return 2;
  fprintf (out, "%lld %lld %ld %ld %ld %ld\n",
      (long long) ru.ru_utime.tv_sec * 1000000000LL + ru.ru_utime.tv_usec * 1000LL,
      (long long) ru.ru_stime.tv_sec * 1000000000LL + ru.ru_stime.tv_usec * 1000LL,
      ru.ru_minflt, ru.ru_majflt, ru.ru_nvcsw, ru.ru_nivcsw);
  fclose (out);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static int
ioctl_errno (int argc, char **argv)
{
  unsigned char arg[256];
  int fd, ret;

  if (argc < 3)
    return 2;
  fd = open (argv[1], O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    fprintf (stderr, "vmtool: %s: %s\n", argv[1], strerror (errno));
    return 2;
  }
  memset (arg, 0, sizeof arg);
  ret = ioctl (fd, strtoul (argv[2], NULL, 0), arg);
  printf ("%s\n", ret == 0 ? "0" : strerrorname_np (errno));
  close (fd);
  return 0;
}

static int
expbuf (int argc, char **argv)
{
  struct v4l2_capability cap;
  struct v4l2_requestbuffers req;
  struct v4l2_exportbuffer exp;
  unsigned int caps;
  int fd, ret, type;

  if (argc < 2)
    return 2;
  fd = open (argv[1], O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    fprintf (stderr, "vmtool: %s: %s\n", argv[1], strerror (errno));
    return 2;
  }
  memset (&cap, 0, sizeof cap);
  if (ioctl (fd, VIDIOC_QUERYCAP, &cap) < 0) {
    fprintf (stderr, "vmtool: QUERYCAP: %s\n", strerror (errno));
    return 2;
  }
  caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps :
      cap.capabilities;
  type = (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) ?
      V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
  memset (&req, 0, sizeof req);
  req.type = type;
  req.memory = V4L2_MEMORY_MMAP;
  /* Not fewer than a writer has: v4l2loopback shares one count. */
  req.count = 4;
  if (ioctl (fd, VIDIOC_REQBUFS, &req) < 0 || req.count < 1) {
    fprintf (stderr, "vmtool: REQBUFS: %s\n", strerror (errno));
    return 2;
  }
  memset (&exp, 0, sizeof exp);
  exp.type = type;
  exp.index = 0;
  exp.flags = O_CLOEXEC | O_RDWR;
  ret = ioctl (fd, VIDIOC_EXPBUF, &exp);
  printf ("%s\n", ret == 0 ? "0" : strerrorname_np (errno));
  if (ret == 0)
    close (exp.fd);
  req.count = 0;
  ioctl (fd, VIDIOC_REQBUFS, &req);
  close (fd);
  return 0;
}

/* Appends "FOURCC[:0xMOD]" to @seen (a newline-separated list) if new. */
static void
add_pair (char *seen, size_t size, uint32_t fourcc, uint64_t modifier)
{
  char pair[32], line[34];

  if (modifier == DRM_FORMAT_MOD_LINEAR)
    snprintf (pair, sizeof (pair), "%.4s", (const char *) &fourcc);
  else
    snprintf (pair, sizeof (pair), "%.4s:0x%016llx", (const char *) &fourcc,
        (unsigned long long) modifier);
  snprintf (line, sizeof (line), "\n%s\n", pair);
  if (strstr (seen, line) == NULL && strlen (seen) + strlen (pair) + 2 < size) {
    strcat (seen, pair);
    strcat (seen, "\n");
    printf ("%s\n", pair);
  }
}

/* The plane's property @name, 0 if it has none. */
static uint64_t
plane_prop (int fd, uint32_t plane_id, const char *name)
{
  drmModeObjectProperties *props = drmModeObjectGetProperties (fd, plane_id,
      DRM_MODE_OBJECT_PLANE);
  uint64_t value = 0;
  uint32_t i;

  for (i = 0; props && i < props->count_props; i++) {
    drmModePropertyRes *p = drmModeGetProperty (fd, props->props[i]);

    if (p && strcmp (p->name, name) == 0)
      value = props->prop_values[i];
    drmModeFreeProperty (p);
  }
  drmModeFreeObjectProperties (props);
  return value;
}

static int
in_formats (int argc, char **argv)
{
  static char seen[65536] = "\n";
  char path[64];
  drmModePlaneRes *res;
  uint32_t i, f;
  int fd;

  (void) argc;
  snprintf (path, sizeof (path), "/dev/dri/card%s", argv[1]);
  fd = open (path, O_RDWR | O_CLOEXEC);
  if (fd < 0 || drmSetClientCap (fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) != 0
      || (res = drmModeGetPlaneResources (fd)) == NULL) {
    fprintf (stderr, "vmtool: %s: %s\n", path, strerror (errno));
    return 1;
  }
  for (i = 0; i < res->count_planes; i++) {
    drmModePlane *plane = drmModeGetPlane (fd, res->planes[i]);
    uint64_t blob_id = plane_prop (fd, res->planes[i], "IN_FORMATS");
    drmModePropertyBlobRes *blob = blob_id ?
        drmModeGetPropertyBlob (fd, (uint32_t) blob_id) : NULL;
    drmModeFormatModifierIterator iter = { 0 };

    if (plane && plane_prop (fd, res->planes[i], "type") != DRM_PLANE_TYPE_CURSOR) {
      if (blob)
        while (drmModeFormatModifierBlobIterNext (blob, &iter))
          add_pair (seen, sizeof (seen), iter.fmt, iter.mod);
      else
        for (f = 0; f < plane->count_formats; f++)
          add_pair (seen, sizeof (seen), plane->formats[f],
              DRM_FORMAT_MOD_LINEAR);
    }
    drmModeFreePropertyBlob (blob);
    drmModeFreePlane (plane);
  }
  drmModeFreePlaneResources (res);
  close (fd);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "cmp-frame") == 0)
    return cmp_frame (argc - 1, argv + 1);
  if (argc >= 3 && strcmp (argv[1], "crc") == 0)
    return crc (argc - 1, argv + 1);
  if (argc >= 4 && strcmp (argv[1], "rusage") == 0)
    return rusage_run (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "ioctl-errno") == 0)
    return ioctl_errno (argc - 1, argv + 1);
  if (argc >= 3 && strcmp (argv[1], "expbuf") == 0)
    return expbuf (argc - 1, argv + 1);
  if (argc >= 3 && strcmp (argv[1], "in-formats") == 0)
    return in_formats (argc - 1, argv + 1);
  fprintf (stderr, "usage: vmtool cmp-frame SHOT.ppm FRAME.raw W H FOURCC "
      "[STRIDE] | crc DATA [SAME] | rusage OUT CMD... | ioctl-errno DEVICE CMD "
      "| expbuf DEVICE | in-formats CARD\n");
  return 2;
}
