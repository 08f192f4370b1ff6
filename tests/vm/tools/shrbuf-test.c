/* shrbuf-test: tests of the shrbuf module on real dma-bufs, in the VM.
 *
 *   shrbuf-test lifetime|autoreturn|poll|errno|prime|shared|revoke|sizes
 *                         a group of checks (TAP)
 *   shrbuf-test hold      holds a pool with an acquired slot until SIGTERM
 *   shrbuf-test bench [N] acquire+release round trips at 4, 64 and 4096
 *                         slots against dup()+close(), best of 5 runs of N
 *                         (a benchmark, not a test)
 *
 * The dma-bufs come from real exporters: vivid's capture buffers (EXPBUF)
 * and dumb buffers of the vkms DRM device (PRIME export).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/videodev2.h>
#include <xf86drm.h>
#include <xf86drmMode.h>
#include <drm_fourcc.h>

#include "pool-ioctl.h"

#define VIDEO "/dev/video0"
#define WIDTH 640
#define HEIGHT 480

static int n_checks, n_failed;

/* One check: a TAP line for it, and a failure counted. */
static int
check (int ok, const char *fmt, ...)
{
  va_list ap;

  n_checks++;
  if (!ok)
    n_failed++;
  printf ("# %s %d - ", ok ? "ok" : "not ok", n_checks);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  fflush (stdout);
  return ok;
}

static void
die (const char *what)
{
  printf ("# FATAL: %s: %s\n", what, strerror (errno));
  exit (2);
}

static const char *
err_name (int ret)
{
  return ret >= 0 ? "success" : strerrorname_np (-ret);
}

#define CHECK_ERR(call, want) do { \
    int r_ = (call); \
    check (r_ == -(want), "%s -> %s (want %s)", #call, err_name (r_), \
        strerrorname_np (want)); \
  } while (0)

static int64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
fd_count (void)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *e;
  int n = 0;

  if (!d)
    die ("opendir /proc/self/fd");
  while ((e = readdir (d)))
    if (e->d_name[0] != '.')
      n++;
  closedir (d);
  return n - 1;                 /* the directory's own fd */
}

static unsigned long
fd_inode (int fd)
{
  struct stat st;

  return fstat (fd, &st) == 0 ? st.st_ino : 0;
}

/* The file count of the dma-buf with inode @ino in debugfs' bufinfo, or -1
 * when there is no such dma-buf (it was freed). */
static long
bufinfo_count (unsigned long ino)
{
  FILE *f = fopen ("/sys/kernel/debug/dma_buf/bufinfo", "r");
  char line[512];
  long found = -1;

  if (!f)
    die ("open dma_buf/bufinfo");
  while (fgets (line, sizeof line, f)) {
    unsigned long size, flags, mode, i;
    long count;
    char exp[64];

    if (sscanf (line, "%lu %lx %lx %ld %63s %lu", &size, &flags, &mode,
            &count, exp, &i) == 6 && i == ino)
      found = count;
  }
  fclose (f);
  return found;
}

static uint64_t
hash_fd (int fd, size_t size)
{
  const uint8_t *p = mmap (NULL, size, PROT_READ, MAP_SHARED, fd, 0);
  uint64_t h = 1469598103934665603ULL;
  size_t i;

  if (p == MAP_FAILED)
    return 0;
  for (i = 0; i < size; i++)
    h = (h ^ p[i]) * 1099511628211ULL;
  munmap ((void *) p, size);
  return h;
}

/* No value the module gives out looks like a kernel address. */
static int
no_kernel_pointers (const void *data, size_t size)
{
  const uint64_t *w = data;
  size_t i;

  for (i = 0; i < size / 8; i++)
    if (w[i] >= 0xffff800000000000ULL)
      return 0;
  return 1;
}

static int
file_contains (const char *path, const char *needle)
{
  static char buf[1 << 16];
  int fd = open (path, O_RDONLY), n, total = 0;

  if (fd < 0)
    return 0;
  while (total < (int) sizeof buf - 1
      && (n = read (fd, buf + total, sizeof buf - 1 - total)) > 0)
    total += n;
  close (fd);
  buf[total] = '\0';
  return strstr (buf, needle) != NULL;
}

/* debugfs' dri/N/FILE of the DRM device whose driver is @driver. */
static const char *
dri_debugfs (const char *driver, const char *file)
{
  static char path[96];
  char name[64];
  int i;

  for (i = 0; i < 8; i++) {
    FILE *f;

    snprintf (path, sizeof path, "/sys/kernel/debug/dri/%d/name", i);
    f = fopen (path, "r");
    if (!f)
      continue;
    if (fgets (name, sizeof name, f) && strncmp (name, driver,
            strlen (driver)) == 0 && name[strlen (driver)] == ' ') {
      fclose (f);
      snprintf (path, sizeof path, "/sys/kernel/debug/dri/%d/%s", i, file);
      return path;
    }
    fclose (f);
  }
  return "/nonexistent";
}

static int
kmsg_contains (const char *needle)
{
  static char buf[1 << 17];
  int n = klogctl (3 /* SYSLOG_ACTION_READ_ALL */ , buf, sizeof buf - 1);

  if (n < 0)
    return 0;
  buf[n] = '\0';
  return strstr (buf, needle) != NULL;
}

/* ---- dma-buf exporters ---- */

struct vivid
{
  int fd;
  int n;
  int dmabuf[8];
  unsigned long ino[8];
  size_t size;
  uint32_t stride;
};

static void
vivid_export (struct vivid *v, int n)
{
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
  struct v4l2_requestbuffers req = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
    .memory = V4L2_MEMORY_MMAP,.count = n
  };
  int i;

  v->fd = open (VIDEO, O_RDWR | O_CLOEXEC);
  if (v->fd < 0)
    die ("open " VIDEO);
  fmt.fmt.pix.width = WIDTH;
  fmt.fmt.pix.height = HEIGHT;
  fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_XBGR32;
  if (ioctl (v->fd, VIDIOC_S_FMT, &fmt) < 0)
    die ("VIDIOC_S_FMT");
  if (ioctl (v->fd, VIDIOC_REQBUFS, &req) < 0)
    die ("VIDIOC_REQBUFS");
  v->n = req.count;
  v->size = fmt.fmt.pix.sizeimage;
  v->stride = fmt.fmt.pix.bytesperline;
  for (i = 0; i < v->n; i++) {
    struct v4l2_exportbuffer exp = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
      .index = i,.flags = O_CLOEXEC | O_RDWR
    };
    if (ioctl (v->fd, VIDIOC_EXPBUF, &exp) < 0)
      die ("VIDIOC_EXPBUF");
    v->dmabuf[i] = exp.fd;
    v->ino[i] = fd_inode (exp.fd);
  }
}

/* Streams until a frame is captured; returns its buffer index. */
static int
vivid_capture (struct vivid *v)
{
  int type = V4L2_BUF_TYPE_VIDEO_CAPTURE, i, index = -1;

  for (i = 0; i < v->n; i++) {
    struct v4l2_buffer b = {.type = type,.memory = V4L2_MEMORY_MMAP,.index = i
    };
    if (ioctl (v->fd, VIDIOC_QBUF, &b) < 0)
      die ("VIDIOC_QBUF");
  }
  if (ioctl (v->fd, VIDIOC_STREAMON, &type) < 0)
    die ("VIDIOC_STREAMON");
  for (i = 0; i < 3; i++) {
    struct v4l2_buffer b = {.type = type,.memory = V4L2_MEMORY_MMAP };
    if (ioctl (v->fd, VIDIOC_DQBUF, &b) < 0)
      die ("VIDIOC_DQBUF");
    index = b.index;
    if (i < 2 && ioctl (v->fd, VIDIOC_QBUF, &b) < 0)
      die ("VIDIOC_QBUF");
  }
  if (ioctl (v->fd, VIDIOC_STREAMOFF, &type) < 0)
    die ("VIDIOC_STREAMOFF");
  return index;
}

/* Frees vivid's buffers (REQBUFS 0) and closes the device: what the pool
 * holds must outlive both. */
static int
vivid_close (struct vivid *v)
{
  struct v4l2_requestbuffers req = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
    .memory = V4L2_MEMORY_MMAP,.count = 0
  };
  int ret = ioctl (v->fd, VIDIOC_REQBUFS, &req);

  close (v->fd);
  return ret;
}

static int
open_card (const char *driver)
{
  char path[32];
  int i;

  for (i = 0; i < 8; i++) {
    drmVersionPtr ver;
    int fd;

    snprintf (path, sizeof path, "/dev/dri/card%d", i);
    fd = open (path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
      continue;
    ver = drmGetVersion (fd);
    if (ver && strcmp (ver->name, driver) == 0) {
      drmFreeVersion (ver);
      return fd;
    }
    drmFreeVersion (ver);
    close (fd);
  }
  errno = ENODEV;
  die (driver);
  return -1;
}

/* A dumb buffer of @card exported as a dma-buf; only the fd keeps it. */
static int
dumb_dmabuf (int card, uint32_t width, uint32_t height)
{
  struct drm_mode_create_dumb create = {.width = width,.height = height,
    .bpp = 32
  };
  struct drm_mode_destroy_dumb destroy = { 0 };
  int fd;

  if (drmIoctl (card, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0)
    die ("DRM_IOCTL_MODE_CREATE_DUMB");
  if (drmPrimeHandleToFD (card, create.handle, DRM_CLOEXEC | DRM_RDWR, &fd))
    die ("drmPrimeHandleToFD");
  destroy.handle = create.handle;
  drmIoctl (card, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
  return fd;
}

/* A pool of @n dumb buffers in state EMPTY, their own fds closed. */
static int
dumb_pool (int dev, int card, uint32_t n, uint32_t size)
{
  int pool = shrbuf_pool_ioctl_create (dev, n, NULL);
  uint32_t i;

  if (pool < 0) {
    errno = -pool;
    die ("pool create");
  }
  for (i = 0; i < n; i++) {
    int buf = dumb_dmabuf (card, size, size), ret;
    char tag[SHRBUF_TAG_LEN];

    snprintf (tag, sizeof tag, "dumb-%u", i);
    ret = shrbuf_pool_ioctl_add (pool, buf, SHRBUF_STATE_EMPTY, tag, NULL);
    if (ret < 0) {
      errno = -ret;
      die ("add");
    }
    close (buf);
  }
  return pool;
}

static int
open_broker (void)
{
  int dev = shrbuf_pool_ioctl_open ();

  if (dev < 0) {
    errno = -dev;
    die (SHRBUF_POOL_DEVICE);
  }
  return dev;
}

/* ---- groups ---- */

/* The seed's rule: a buffer lives until the last user lets go, even after
 * its device is closed. */
static void
test_lifetime (void)
{
  struct shrbuf_slot_info info[8];
  struct shrbuf_acquire acq;
  struct shrbuf_query q;
  struct vivid v;
  uint64_t before;
  int dev, pool, base = fd_count (), k, i, fd, r;
  char needle[64];
  uint32_t id;

  dev = open_broker ();
  pool = shrbuf_pool_ioctl_create (dev, 8, &id);
  check (pool >= 0, "pool created (id %u)", id);
  vivid_export (&v, 4);
  k = vivid_capture (&v);
  before = hash_fd (v.dmabuf[k], v.size);
  check (before != 0, "vivid buffer %d mapped through its dma-buf", k);
  for (i = 0; i < v.n; i++) {
    char tag[SHRBUF_TAG_LEN];
    uint32_t index = ~0u;

    snprintf (tag, sizeof tag, "vivid-%d", i);
    r = shrbuf_pool_ioctl_add (pool, v.dmabuf[i], i == k ?
        SHRBUF_STATE_FILLED : SHRBUF_STATE_EMPTY, tag, &index);
    check (r == 0 && index == (uint32_t) i, "vivid buffer %d added as slot "
        "%u", i, index);
    close (v.dmabuf[i]);
  }
  check (vivid_close (&v) == 0, "REQBUFS(0) and close of " VIDEO);
  for (i = 0; i < v.n; i++)
    check (bufinfo_count (v.ino[i]) > 0, "dma-buf ino %lu still exists",
        v.ino[i]);

  fd = shrbuf_pool_ioctl_acquire (pool, k, 0, 0, 0, &acq);
  check (fd >= 0 && acq.index == (uint32_t) k
      && acq.state == SHRBUF_STATE_FILLED, "slot %d acquired, state FILLED",
      k);
  check (fd_inode (fd) == v.ino[k], "the acquired fd is the same dma-buf "
      "file (ino %lu)", fd_inode (fd));
  check (hash_fd (fd, v.size) == before, "its bytes are unchanged");

  /* Zeroed first: the kernel fills the first q.count entries only, and the
   * others must not be taken for what it wrote. */
  memset (info, 0, sizeof info);
  check (shrbuf_pool_ioctl_query (pool, info, 8, &q) == 0 && q.count == 4
      && q.held == 1 && q.id == id, "query: 4 slots, 1 held");
  check (info[k].holder_tgid == getpid () && info[k].acquire_count == 1
      && info[k].size == v.size && info[k].inode == v.ino[k]
      && info[k].exporter[0] && strncmp (info[k].tag, "vivid-", 6) == 0,
      "ledger: holder %d, exporter %s, size %llu", info[k].holder_tgid,
      info[k].exporter, (unsigned long long) info[k].size);
  check (no_kernel_pointers (info, q.count * sizeof info[0])
      && no_kernel_pointers (&q, sizeof q), "no kernel address in the query");
  snprintf (needle, sizeof needle, "tag 'vivid-%d' state filled holder %d",
      k, getpid ());
  check (file_contains ("/sys/kernel/debug/shrbuf/pools", needle),
      "debugfs shrbuf/pools shows it");

  check (shrbuf_pool_ioctl_release (pool, k, SHRBUF_STATE_EMPTY, 7, 8) == 0,
      "slot released");
  close (fd);
  close (pool);
  close (dev);
  for (i = 0; i < v.n; i++)
    check (bufinfo_count (v.ino[i]) < 0, "dma-buf ino %lu freed with the "
        "pool", v.ino[i]);
  snprintf (needle, sizeof needle, "pool %u:", id);
  check (!file_contains ("/sys/kernel/debug/shrbuf/pools", needle),
      "pool %u gone from debugfs", id);
  check (fd_count () == base, "fds back to baseline (%d)", base);
}

/* Acquisitions come back when their handle's file is released. */
static void
test_autoreturn (void)
{
  struct shrbuf_slot_info info[4];
  struct shrbuf_query q;
  int dev = open_broker (), card = open_card ("vkms");
  int pool = dumb_pool (dev, card, 4, 64), ready[2], go[2], i, held = 0;
  pid_t child;
  char c;

  if (pipe (ready) || pipe (go))
    die ("pipe");
  child = fork ();
  if (child == 0) {
    int own = shrbuf_pool_ioctl_clone (pool);
    int a = shrbuf_pool_ioctl_acquire (own, SHRBUF_SLOT_ANY, SHRBUF_STATE_EMPTY,
        SHRBUF_ACQUIRE_NONBLOCK, 0, NULL);
    int b = shrbuf_pool_ioctl_acquire (own, SHRBUF_SLOT_ANY, SHRBUF_STATE_EMPTY,
        SHRBUF_ACQUIRE_NONBLOCK, 0, NULL);

    c = (own >= 0 && a >= 0 && b >= 0) ? 'y' : 'n';
    if (write (ready[1], &c, 1) != 1 || read (go[0], &c, 1) != 1)
      _exit (3);
    _exit (0);                  /* without releasing or closing anything */
  }
  check (read (ready[0], &c, 1) == 1 && c == 'y',
      "child %d cloned a handle and acquired 2 slots", child);
  shrbuf_pool_ioctl_query (pool, info, 4, &q);
  for (i = 0; i < 4; i++)
    held += info[i].holder_tgid == child;
  check (q.held == 2 && held == 2, "ledger: 2 slots held by the child");
  if (write (go[1], "x", 1) != 1)
    die ("write");
  waitpid (child, NULL, 0);

  shrbuf_pool_ioctl_query (pool, info, 4, &q);
  check (q.held == 0 && q.auto_returned == 2, "after the child's exit: "
      "held %u, auto_returned %llu", q.held,
      (unsigned long long) q.auto_returned);
  held = 0;
  for (i = 0; i < 4; i++)
    held += info[i].auto_return_count == 1 && info[i].holder_tgid == 0
        && info[i].state == SHRBUF_STATE_EMPTY && info[i].acquire_count == 1;
  check (held == 2, "2 slots back: EMPTY, unheld, auto_return_count 1");
  check (shrbuf_pool_ioctl_acquire (pool, SHRBUF_SLOT_ANY, SHRBUF_STATE_EMPTY,
          SHRBUF_ACQUIRE_NONBLOCK, 0, NULL) >= 0, "they can be acquired again");

  /* A child that acquires on the handle it shares with its parent holds on
   * until the parent lets go of that handle too. */
  child = fork ();
  if (child == 0)
    _exit (shrbuf_pool_ioctl_acquire (pool, SHRBUF_SLOT_ANY, SHRBUF_STATE_EMPTY,
            SHRBUF_ACQUIRE_NONBLOCK, 0, NULL) >= 0 ? 0 : 1);
  waitpid (child, &i, 0);
  shrbuf_pool_ioctl_query (pool, NULL, 0, &q);
  check (WIFEXITED (i) && WEXITSTATUS (i) == 0 && q.held == 2,
      "a shared handle keeps the dead child's slot held (held %u)", q.held);
  close (pool);
  check (kmsg_contains ("destroyed while slot"),
      "closing the last handle while slots are held logs a leak report");
  close (card);
  close (dev);
}

struct waiter
{
  int pool;
  int64_t timeout_ns;           /* for acquire_thread; 0: for ever */
  int64_t waited_ns;
  int64_t woke_ns;              /* now_ns () when the call returned */
  int result;
  struct shrbuf_acquire acq;
};

static void *
poll_thread (void *data)
{
  struct waiter *w = data;
  struct pollfd p = {.fd = w->pool,.events = POLLIN };
  int64_t t = now_ns ();

  w->result = poll (&p, 1, 5000) == 1 ? p.revents : 0;
  w->woke_ns = now_ns ();
  w->waited_ns = w->woke_ns - t;
  return NULL;
}

static void *
acquire_thread (void *data)
{
  struct waiter *w = data;
  int64_t t = now_ns ();

  w->result = shrbuf_pool_ioctl_acquire (w->pool, SHRBUF_SLOT_ANY,
      SHRBUF_STATE_FILLED, 0, w->timeout_ns ? w->timeout_ns : -1, &w->acq);
  w->woke_ns = now_ns ();
  w->waited_ns = w->woke_ns - t;
  return NULL;
}

static void
on_signal (int sig)
{
}

static void
test_poll (void)
{
  int dev = open_broker (), card = open_card ("vkms");
  int pool = dumb_pool (dev, card, 2, 64), a, b, r;
  struct pollfd p = {.fd = pool,.events = POLLIN | POLLOUT };
  struct sigaction sa = {.sa_handler = on_signal };
  struct waiter w = {.pool = pool };
  pthread_t th;
  int64_t t;

  r = poll (&p, 1, 0);
  check (r == 1 && p.revents == POLLOUT,
      "all EMPTY: writable, not readable (revents 0x%x)", p.revents);
  CHECK_ERR (shrbuf_pool_ioctl_acquire (pool, SHRBUF_SLOT_ANY,
          SHRBUF_STATE_FILLED, SHRBUF_ACQUIRE_NONBLOCK, -1, NULL), EAGAIN);
  CHECK_ERR (shrbuf_pool_ioctl_acquire (pool, SHRBUF_SLOT_ANY,
          SHRBUF_STATE_FILLED, 0, 0, NULL), EAGAIN);
  t = now_ns ();
  r = shrbuf_pool_ioctl_acquire (pool, SHRBUF_SLOT_ANY, SHRBUF_STATE_FILLED, 0,
      50000000, NULL);
  t = now_ns () - t;
  check (r == -ETIMEDOUT && t >= 50000000 && t < 2000000000LL,
      "a 50 ms wait for a FILLED slot: %s after %lld ms", err_name (r),
      (long long) (t / 1000000));

  pthread_create (&th, NULL, poll_thread, &w);
  a = shrbuf_pool_ioctl_acquire (pool, SHRBUF_SLOT_ANY, SHRBUF_STATE_EMPTY,
      SHRBUF_ACQUIRE_NONBLOCK, 0, NULL);
  usleep (100000);
  /* Woken after the release, timed from it: the thread may start late. */
  t = now_ns ();
  shrbuf_pool_ioctl_release (pool, 0, SHRBUF_STATE_FILLED, 41, 1000);
  close (a);
  pthread_join (th, NULL);
  check ((w.result & POLLIN) && w.woke_ns >= t, "poll() woke on "
      "release(FILLED), %lld ms after it (waited %lld ms)",
      (long long) ((w.woke_ns - t) / 1000000),
      (long long) (w.waited_ns / 1000000));

  a = shrbuf_pool_ioctl_acquire (pool, SHRBUF_SLOT_ANY, SHRBUF_STATE_FILLED,
      SHRBUF_ACQUIRE_NONBLOCK, 0, &w.acq);
  check (a >= 0 && w.acq.seq == 41 && w.acq.timestamp_ns == 1000,
      "the FILLED slot carries seq 41 and its timestamp");
  pthread_create (&th, NULL, acquire_thread, &w);
  usleep (100000);
  b = shrbuf_pool_ioctl_acquire (pool, SHRBUF_SLOT_ANY, SHRBUF_STATE_EMPTY,
      SHRBUF_ACQUIRE_NONBLOCK, 0, NULL);
  p.revents = 0;
  check (poll (&p, 1, 0) == 0, "nothing free: neither readable nor writable");
  t = now_ns ();
  shrbuf_pool_ioctl_release (pool, 1, SHRBUF_STATE_FILLED, 42, 2000);
  close (b);
  pthread_join (th, NULL);
  check (w.result >= 0 && w.acq.index == 1 && w.acq.seq == 42
      && w.woke_ns >= t, "a blocked acquire "
      "woke with slot %u (seq %llu), %lld ms after the release", w.acq.index,
      (unsigned long long) w.acq.seq, (long long) ((w.woke_ns - t) / 1000000));
  close (w.result);
  shrbuf_pool_ioctl_release (pool, 1, SHRBUF_STATE_EMPTY, 0, 0);

  /* A signal ends a blocking wait with EINTR when it does not restart. */
  sigaction (SIGUSR1, &sa, NULL);
  pthread_create (&th, NULL, acquire_thread, &w);
  usleep (100000);
  pthread_kill (th, SIGUSR1);
  pthread_join (th, NULL);
  check (w.result == -EINTR, "a signal ends a blocked acquire: %s",
      err_name (w.result));
  close (a);
  close (pool);
  close (card);
  close (dev);
}

static int
raw_ioctl (int fd, unsigned long cmd, void *arg)
{
  return ioctl (fd, cmd, arg) < 0 ? -errno : 0;
}

static void
test_errno (void)
{
  int dev = open_broker (), card = open_card ("vkms");
  int pool = dumb_pool (dev, card, 2, 64), other, memfd, pfd[2], buf, i;
  int pools[8], base, n, fds[64], spare;
  struct shrbuf_pool_create pc = { 0 };
  struct shrbuf_add add = { 0 };
  struct shrbuf_acquire acq = { 0 };
  struct shrbuf_release rel = { 0 };
  struct shrbuf_query q = { 0 };
  struct {
    struct shrbuf_pool_create s;
    uint32_t tail[2];
  } big = { 0 };
  struct {
    struct shrbuf_query s;
    uint64_t tail[1];
  } bigq;
  struct shrbuf_slot_info info[2], slots[64];
  struct rlimit rl, low;
  long refs, refs_held;

  /* Commands */
  CHECK_ERR (raw_ioctl (dev, _IOWR ('S', 0x7f, struct shrbuf_query), &q),
      ENOTTY);
  CHECK_ERR (raw_ioctl (dev, _IOWR ('T', 0x00, struct shrbuf_pool_create),
          &pc), ENOTTY);
  CHECK_ERR (raw_ioctl (dev, _IOR ('S', 0x00, struct shrbuf_pool_create),
          &pc), ENOTTY);
  CHECK_ERR (raw_ioctl (pool, _IOWR ('S', 0x07, struct shrbuf_query), &q),
      ENOTTY);
  CHECK_ERR (raw_ioctl (pool, _IOWR ('S', 0xff, struct shrbuf_query), &q),
      ENOTTY);
  CHECK_ERR (raw_ioctl (pool, _IOW ('S', 0x05, struct shrbuf_query), &q),
      ENOTTY);
  CHECK_ERR (raw_ioctl (dev, SHRBUF_IOC_ADD, &add), ENOTTY);
  CHECK_ERR (raw_ioctl (dev, SHRBUF_IOC_QUERY, &q), ENOTTY);
  pc.max_slots = 1;
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_POOL_CREATE, &pc), ENOTTY);
  /* The file's kind is checked before the size. */
  CHECK_ERR (raw_ioctl (pool, _IOC (_IOC_READ | _IOC_WRITE, 'S', 0x00, 8),
          &pc), ENOTTY);

  /* Sizes, padding, flags */
  CHECK_ERR (raw_ioctl (dev, _IOC (_IOC_READ | _IOC_WRITE, 'S', 0x00, 8),
          &pc), EINVAL);
  big.s.max_slots = 1;
  big.tail[1] = 1;
  CHECK_ERR (raw_ioctl (dev, _IOC (_IOC_READ | _IOC_WRITE, 'S', 0x00,
              sizeof big), &big), EINVAL);
  big.tail[1] = 0;
  i = raw_ioctl (dev, _IOC (_IOC_READ | _IOC_WRITE, 'S', 0x00, sizeof big),
      &big);
  check (i == 0 && big.s.fd >= 0, "a longer struct with a zero tail works");
  close (big.s.fd);
  /* The same on a pool handle's call */
  CHECK_ERR (raw_ioctl (pool, _IOC (_IOC_READ | _IOC_WRITE, 'S', 0x05,
              SHRBUF_QUERY_SIZE_V1 - 4), &q), EINVAL);
  memset (&bigq, 0, sizeof bigq);
  bigq.tail[0] = 1;
  CHECK_ERR (raw_ioctl (pool, _IOC (_IOC_READ | _IOC_WRITE, 'S', 0x05,
              sizeof bigq), &bigq), EINVAL);
  bigq.tail[0] = 0;
  i = raw_ioctl (pool, _IOC (_IOC_READ | _IOC_WRITE, 'S', 0x05, sizeof bigq),
      &bigq);
  check (i == 0 && bigq.s.count == 2, "a longer query with a zero tail works "
      "(count %u)", bigq.s.count);
  pc = (struct shrbuf_pool_create) {.max_slots = 0 };
  CHECK_ERR (raw_ioctl (dev, SHRBUF_IOC_POOL_CREATE, &pc), EINVAL);
  pc = (struct shrbuf_pool_create) {.max_slots = 1,.flags = 1 };
  CHECK_ERR (raw_ioctl (dev, SHRBUF_IOC_POOL_CREATE, &pc), EINVAL);
  pc = (struct shrbuf_pool_create) {.max_slots = 1000000 };
  CHECK_ERR (raw_ioctl (dev, SHRBUF_IOC_POOL_CREATE, &pc), ENOSPC);

  /* Not a dma-buf */
  memfd = memfd_create ("not-a-dmabuf", MFD_CLOEXEC);
  if (memfd < 0 || pipe2 (pfd, O_CLOEXEC))
    die ("memfd/pipe");
  CHECK_ERR (shrbuf_pool_ioctl_add (pool, -1, 0, "bad", NULL), EBADF);
  CHECK_ERR (shrbuf_pool_ioctl_add (pool, 999, 0, "closed", NULL), EBADF);
  CHECK_ERR (shrbuf_pool_ioctl_add (pool, memfd, 0, "memfd", NULL), EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_add (pool, pfd[0], 0, "pipe", NULL), EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_add (pool, dev, 0, "shrbuf", NULL), EINVAL);
  buf = dumb_dmabuf (card, 64, 64);
  add = (struct shrbuf_add) {.fd = buf,.pad = 1 };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_ADD, &add), EINVAL);
  add = (struct shrbuf_add) {.fd = buf,.state = 7 };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_ADD, &add), EINVAL);
  add = (struct shrbuf_add) {.fd = buf,.tag = "bad\ntag" };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_ADD, &add), EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_add (pool, buf, 0, "full", NULL), ENOSPC);
  other = shrbuf_pool_ioctl_create (dev, 4, NULL);
  check (shrbuf_pool_ioctl_add (other, buf, 0, "once", NULL) == 0, "added once");
  CHECK_ERR (shrbuf_pool_ioctl_add (other, buf, 0, "twice", NULL), EEXIST);

  /* Acquire and release */
  acq = (struct shrbuf_acquire) {.index = 0,.flags = 0x80 };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_ACQUIRE, &acq), EINVAL);
  acq = (struct shrbuf_acquire) {.index = 0,.fd = 3 };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_ACQUIRE, &acq), EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_acquire (pool, 2, 0, 0, 0, NULL), EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_acquire (pool, SHRBUF_SLOT_ANY, 5, 0, 0, NULL),
      EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_acquire (pool, 0, SHRBUF_STATE_FILLED, 0, 0,
          NULL), EINVAL);
  i = shrbuf_pool_ioctl_acquire (pool, 0, 0, 0, 0, NULL);
  check (i >= 0, "slot 0 acquired");
  CHECK_ERR (shrbuf_pool_ioctl_acquire (pool, 0, 0, 0, 0, NULL), EBUSY);
  CHECK_ERR (shrbuf_pool_ioctl_release (pool, 1, 0, 0, 0), EPERM);
  CHECK_ERR (shrbuf_pool_ioctl_release (pool, 9, 0, 0, 0), EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_release (pool, 0, 3, 0, 0), EINVAL);
  rel = (struct shrbuf_release) {.index = 0,.pad = 1 };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_RELEASE, &rel), EINVAL);
  rel = (struct shrbuf_release) {.index = 0,.flags = 1 };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_RELEASE, &rel), EINVAL);
  n = shrbuf_pool_ioctl_clone (pool);
  CHECK_ERR (shrbuf_pool_ioctl_release (n, 0, 0, 0, 0), EPERM);
  close (n);
  check (shrbuf_pool_ioctl_release (pool, 0, 0, 0, 0) == 0, "its holder "
      "releases it");
  close (i);

  /* Query */
  q = (struct shrbuf_query) {.slots_ptr = (uintptr_t) info,.count = 2,
    .entry_size = 8
  };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_QUERY, &q), EINVAL);
  q = (struct shrbuf_query) {.pad = 1 };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_QUERY, &q), EINVAL);
  q = (struct shrbuf_query) {.slots_ptr = 16,.count = 2,
    .entry_size = sizeof info[0]
  };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_QUERY, &q), EFAULT);

  /* Pools per opener (the module parameter is set to 4 by the case) */
  for (i = 0; i < 8; i++)
    pools[i] = shrbuf_pool_ioctl_create (dev, 1, NULL);
  /* dev already has 2 pools (pool, other) */
  check (pools[0] >= 0 && pools[1] >= 0 && pools[2] == -EMFILE,
      "the 5th pool of one opener: %s", err_name (pools[2]));
  for (i = 0; i < 8; i++)
    if (pools[i] >= 0)
      close (pools[i]);

  /* Running out of fds while acquiring leaks nothing */
  close (other);
  other = shrbuf_pool_ioctl_create (dev, 64, NULL);
  for (i = 0; i < 64; i++) {
    int b = dumb_dmabuf (card, 16, 16);
    shrbuf_pool_ioctl_add (other, b, 0, NULL, NULL);
    close (b);
  }
  shrbuf_pool_ioctl_query (other, slots, 64, &q);
  for (refs = 0, i = 0; i < 64; i++)
    refs += bufinfo_count (slots[i].inode);
  base = fd_count ();
  /* One fd number kept back for reading bufinfo at the limit. */
  spare = dup (dev);
  getrlimit (RLIMIT_NOFILE, &rl);
  low = rl;
  low.rlim_cur = base + 20;
  setrlimit (RLIMIT_NOFILE, &low);
  for (n = 0; n < 64; n++) {
    fds[n] = shrbuf_pool_ioctl_acquire (other, SHRBUF_SLOT_ANY, 0,
        SHRBUF_ACQUIRE_NONBLOCK, 0, NULL);
    if (fds[n] < 0)
      break;
  }
  check (n < 64 && fds[n] == -EMFILE, "acquire with no fd left: %s after "
      "%d", err_name (n < 64 ? fds[n] : 0), n);
  /* A holder that has the buffer already needs no fd. */
  acq = (struct shrbuf_acquire) {.index = SHRBUF_SLOT_ANY,
    .flags = SHRBUF_ACQUIRE_NONBLOCK | SHRBUF_ACQUIRE_NO_FD
  };
  i = raw_ioctl (other, SHRBUF_IOC_ACQUIRE, &acq);
  check (i == 0 && acq.fd == -1 && acq.index < 64, "NO_FD acquires with no "
      "fd left: %s, fd %d, slot %u", err_name (i), acq.fd, acq.index);
  shrbuf_pool_ioctl_query (other, NULL, 0, &q);
  check (q.held == (uint32_t) n + 1, "held %u = the %d acquires that "
      "succeeded and the NO_FD one", q.held, n);
  close (spare);
  for (refs_held = 0, i = 0; i < 64; i++)
    refs_held += bufinfo_count (slots[i].inode);
  check (refs_held == refs + n, "dma-buf file references: %ld = %ld + %d, "
      "none taken by the failed acquire nor the NO_FD one", refs_held, refs,
      n);
  shrbuf_pool_ioctl_release (other, acq.index, 0, 0, 0);
  for (i = 0; i < n; i++) {
    close (fds[i]);
    shrbuf_pool_ioctl_release (other, i, 0, 0, 0);
  }
  setrlimit (RLIMIT_NOFILE, &rl);
  shrbuf_pool_ioctl_query (other, NULL, 0, &q);
  check (q.held == 0 && fd_count () == base, "all released, fds back to %d",
      base);
  for (refs_held = 0, i = 0; i < 64; i++)
    refs_held += bufinfo_count (slots[i].inode);
  check (refs_held == refs, "dma-buf file references back to %ld", refs);

  close (other);
  close (buf);
  close (memfd);
  close (pfd[0]);
  close (pfd[1]);
  close (pool);
  close (card);
  close (dev);
}

/* A slot's buffer imported into a DRM device while only the pool holds it:
 * PRIME sees the very same dma-buf (same GEM handle on every import). */
static void
test_prime (void)
{
  struct shrbuf_acquire acq;
  struct vivid v;
  uint32_t h1 = 0, h2 = 0, fb = 0, conn_id = 0, crtc_id = 0;
  uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
  drmModeResPtr res;
  drmModeConnectorPtr conn = NULL;
  drmModeModeInfo *mode = NULL;
  uint64_t hash;
  int dev = open_broker (), pool, card, k, fd, i, r;

  pool = shrbuf_pool_ioctl_create (dev, 4, NULL);
  vivid_export (&v, 2);
  k = vivid_capture (&v);
  hash = hash_fd (v.dmabuf[k], v.size);
  shrbuf_pool_ioctl_add (pool, v.dmabuf[k], SHRBUF_STATE_FILLED, "frame", NULL);
  for (i = 0; i < v.n; i++)
    close (v.dmabuf[i]);
  check (vivid_close (&v) == 0, "vivid's buffers freed and " VIDEO " closed");

  card = open_card ("vkms");
  fd = shrbuf_pool_ioctl_acquire (pool, 0, 0, 0, 0, &acq);
  r = fd >= 0 ? drmPrimeFDToHandle (card, fd, &h1) : -1;
  check (r == 0, "acquired fd imported into vkms (GEM handle %u)", h1);
  shrbuf_pool_ioctl_release (pool, 0, SHRBUF_STATE_FILLED, 0, 0);
  close (fd);
  fd = shrbuf_pool_ioctl_acquire (pool, 0, 0, 0, 0, &acq);
  r = fd >= 0 ? drmPrimeFDToHandle (card, fd, &h2) : -1;
  check (r == 0 && h2 == h1,
      "acquired again: the same GEM handle (%u), so the same dma-buf", h2);
  check (fd_inode (fd) == v.ino[k], "and the same inode as vivid's export");

  handles[0] = h1;
  pitches[0] = v.stride;
  r = drmModeAddFB2 (card, WIDTH, HEIGHT, DRM_FORMAT_XRGB8888, handles,
      pitches, offsets, &fb, 0);
  check (r == 0, "framebuffer %u made from it", fb);
  res = drmModeGetResources (card);
  for (i = 0; res && i < res->count_connectors && !mode; i++) {
    int m;
    conn = drmModeGetConnector (card, res->connectors[i]);
    for (m = 0; conn && m < conn->count_modes; m++)
      if (conn->modes[m].hdisplay == WIDTH && conn->modes[m].vdisplay == HEIGHT) {
        mode = &conn->modes[m];
        conn_id = conn->connector_id;
        crtc_id = res->crtcs[0];
        break;
      }
  }
  check (mode && drmModeSetCrtc (card, crtc_id, fb, 0, 0, &conn_id, 1,
          mode) == 0, "shown on vkms' CRTC at 640x480");
  check (file_contains (dri_debugfs ("vkms", "framebuffer"),
          "imported=yes"),
      "debugfs: an imported framebuffer on vkms");
  check (hash_fd (fd, v.size) == hash, "the frame's bytes are intact");
  drmModeSetCrtc (card, crtc_id, 0, 0, 0, NULL, 0, NULL);
  drmModeRmFB (card, fb);
  drmCloseBufferHandle (card, h1);
  drmModeFreeConnector (conn);
  drmModeFreeResources (res);
  close (card);
  shrbuf_pool_ioctl_release (pool, 0, SHRBUF_STATE_EMPTY, 0, 0);
  close (fd);
  close (pool);
  close (dev);
  check (bufinfo_count (v.ino[k]) < 0, "the dma-buf is freed with the last "
      "user");
}

/* ---- ABI 2 ---- */

/* The ledger of @pool, up to 8 slots, zeroed first. */
static void
ledger (int pool, struct shrbuf_slot_info *info, struct shrbuf_query *q)
{
  memset (info, 0, 8 * sizeof *info);
  memset (q, 0, sizeof *q);
  if (shrbuf_pool_ioctl_query (pool, info, 8, q) < 0)
    die ("query");
}

static int
pool_debugfs_has (const char *fmt, ...)
{
  char needle[128];
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (needle, sizeof needle, fmt, ap);
  va_end (ap);
  return file_contains ("/sys/kernel/debug/shrbuf/pools", needle);
}

/* The dma-buf file references of the pool's slots (bufinfo's counts). */
static long
slot_refs (const struct shrbuf_slot_info *info, int n)
{
  long refs = 0;
  int i;

  for (i = 0; i < n; i++)
    refs += bufinfo_count (info[i].inode);
  return refs;
}

struct child_report
{
  char ok;
  uint32_t handle_id;
};

/* Shared holds: several handles hold one slot; an exclusive acquire waits
 * for all of them; the slot's state does not change; the last release
 * wakes; a holder that dies gives its shared holds back. */
static void
test_shared (void)
{
  int base = fd_count ();
  int dev = open_broker (), card = open_card ("vkms");
  int pool = dumb_pool (dev, card, 2, 64), a, b, fd_a, r, i, ready[2];
  struct shrbuf_slot_info info[8];
  struct shrbuf_acquire acq_a, acq_b;
  struct shrbuf_query q;
  struct pollfd p = {.fd = pool,.events = POLLIN };
  /* Bounded: a wake that never comes fails the check, not the case. */
  struct waiter wp = {.pool = pool }, wa = {.pool = pool,
    .timeout_ns = 5000000000LL
  };
  struct child_report rep;
  pthread_t tp, ta;
  uint32_t id_a = 0, id_b = 0;
  unsigned long ino[2];
  int64_t t;
  long refs;
  int id_p;
  pid_t child;

  ledger (pool, info, &q);
  ino[0] = info[0].inode;
  ino[1] = info[1].inode;
  refs = slot_refs (info, 2);
  id_p = shrbuf_pool_ioctl_handle_id (pool);
  a = shrbuf_pool_ioctl_clone_id (pool, &id_a);
  b = shrbuf_pool_ioctl_clone_id (pool, &id_b);
  check (id_p > 0 && a >= 0 && b >= 0 && id_a > 0 && id_b > 0
      && id_a != (uint32_t) id_p && id_b != id_a && id_b != (uint32_t) id_p,
      "handle ids: creator %d, A %u, B %u", id_p, id_a, id_b);
  check (q.handle_id == (uint32_t) id_p
      && q.handle_flags == SHRBUF_HANDLE_CREATOR
      && q.entry_size == sizeof (struct shrbuf_slot_info),
      "query on the creator's handle: id %u, flags 0x%x, entry_size %u",
      q.handle_id, q.handle_flags, q.entry_size);

  /* The creator fills slot 0 (seq 5, timestamp 6). */
  r = shrbuf_pool_ioctl_acquire (pool, 0, 0, SHRBUF_ACQUIRE_NO_FD, 0, NULL);
  check (r == 0 && shrbuf_pool_ioctl_release (pool, 0, SHRBUF_STATE_FILLED,
          5, 6) == 0, "slot 0 filled by the creator (seq 5)");

  fd_a = shrbuf_pool_ioctl_acquire_shared (a, 0, 0, &acq_a);
  check (fd_a >= 0 && acq_a.index == 0 && acq_a.state == SHRBUF_STATE_FILLED
      && acq_a.seq == 5 && acq_a.timestamp_ns == 6
      && fd_inode (fd_a) == ino[0], "A holds slot 0 shared, with an fd of "
      "the same dma-buf: FILLED, seq 5, timestamp 6");
  r = shrbuf_pool_ioctl_acquire_shared (b, 0, SHRBUF_ACQUIRE_NO_FD, &acq_b);
  check (r == 0 && acq_b.fd == -1 && acq_b.state == SHRBUF_STATE_FILLED
      && acq_b.seq == 5, "B holds it shared too, with NO_FD (fd %d)",
      acq_b.fd);
  ledger (pool, info, &q);
  check (q.held == 1 && info[0].holders == 2
      && info[0].flags == SHRBUF_SLOT_SHARED
      && info[0].holder_tgid == getpid () && info[0].acquire_count == 3
      && info[0].state == SHRBUF_STATE_FILLED && info[0].seq == 5
      && info[1].holders == 0 && info[1].flags == 0, "ledger: held %u, "
      "slot 0 holders %u flags 0x%x holder %d acquired %llu", q.held,
      info[0].holders, info[0].flags, info[0].holder_tgid,
      (unsigned long long) info[0].acquire_count);
  check (pool_debugfs_has ("tag 'dumb-0' state filled holder %d holders 2 "
          "shared revoked 0 acquired 3 ", getpid ())
      && pool_debugfs_has (" seq 5\n    held by tgid %d handle %u\n    held "
          "by tgid %d handle %u\n  slot 1:", getpid (), id_a, getpid (), id_b),
      "debugfs: slot 0 held shared by 2, and both holders (tgid and handle "
      "id) listed under it");
  check (slot_refs (info, 2) == refs + 1, "one dma-buf reference more: A's "
      "fd (NO_FD takes none)");

  /* What a shared hold excludes */
  CHECK_ERR (shrbuf_pool_ioctl_acquire (pool, 0, 0, 0, 0, NULL), EBUSY);
  CHECK_ERR (shrbuf_pool_ioctl_acquire (pool, 0, 0, SHRBUF_ACQUIRE_NO_FD, 0,
          NULL), EBUSY);
  CHECK_ERR (shrbuf_pool_ioctl_acquire (pool, SHRBUF_SLOT_ANY,
          SHRBUF_STATE_FILLED, SHRBUF_ACQUIRE_NONBLOCK, 0, NULL), EAGAIN);
  CHECK_ERR (shrbuf_pool_ioctl_acquire_shared (a, 0, SHRBUF_ACQUIRE_NO_FD,
          NULL), EBUSY);
  CHECK_ERR (shrbuf_pool_ioctl_acquire (a, SHRBUF_SLOT_ANY,
          SHRBUF_STATE_FILLED, SHRBUF_ACQUIRE_SHARED | SHRBUF_ACQUIRE_NONBLOCK,
          0, NULL), EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_acquire (a, SHRBUF_SLOT_ANY,
          SHRBUF_STATE_EMPTY, SHRBUF_ACQUIRE_SHARED, -1, NULL), EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_acquire (a, 0, SHRBUF_STATE_FILLED,
          SHRBUF_ACQUIRE_SHARED, 0, NULL), EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_acquire_shared (a, 2, 0, NULL), EINVAL);
  /* ... and what an exclusive one does */
  r = shrbuf_pool_ioctl_acquire (pool, 1, 0, SHRBUF_ACQUIRE_NO_FD, 0, NULL);
  check (r == 0, "the creator holds slot 1 exclusively");
  CHECK_ERR (shrbuf_pool_ioctl_acquire_shared (a, 1, SHRBUF_ACQUIRE_NO_FD,
          NULL), EBUSY);
  CHECK_ERR (shrbuf_pool_ioctl_acquire_shared (pool, 1, SHRBUF_ACQUIRE_NO_FD,
          NULL), EBUSY);
  CHECK_ERR (shrbuf_pool_ioctl_release (a, 1, SHRBUF_STATE_EMPTY, 0, 0),
      EPERM);
  shrbuf_pool_ioctl_release (pool, 1, SHRBUF_STATE_EMPTY, 0, 0);

  /* The release of a shared hold names the state and nothing else. */
  CHECK_ERR (shrbuf_pool_ioctl_release (a, 0, SHRBUF_STATE_EMPTY, 0, 0),
      EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_release (a, 0, SHRBUF_STATE_FILLED, 9, 0),
      EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_release (a, 0, SHRBUF_STATE_FILLED, 0, 9),
      EINVAL);
  CHECK_ERR (shrbuf_pool_ioctl_release (pool, 0, SHRBUF_STATE_FILLED, 0, 0),
      EPERM);
  ledger (pool, info, &q);
  check (info[0].holders == 2 && info[0].state == SHRBUF_STATE_FILLED
      && info[0].seq == 5, "refused releases changed nothing (holders %u)",
      info[0].holders);

  /* Only the last holder's release wakes poll()... */
  pthread_create (&tp, NULL, poll_thread, &wp);
  usleep (100000);
  r = shrbuf_pool_ioctl_release_shared (a, &acq_a);
  usleep (200000);
  p.revents = 0;
  i = poll (&p, 1, 0);
  check (r == 0 && i == 0 && pthread_tryjoin_np (tp, NULL) == EBUSY,
      "A let go: still held by B, not readable, poll() still waits");
  ledger (pool, info, &q);
  check (info[0].holders == 1 && info[0].flags == SHRBUF_SLOT_SHARED
      && q.held == 1, "ledger: slot 0 has 1 holder left");
  t = now_ns ();
  r = shrbuf_pool_ioctl_release_shared (b, &acq_b);
  pthread_join (tp, NULL);
  /* Bounded above too: poll() looks once more when its 5 s run out. */
  check (r == 0 && (wp.result & POLLIN) && wp.woke_ns >= t
      && wp.woke_ns - t < 2000000000LL, "B let go: poll() woke with POLLIN "
      "%lld ms after that release", (long long) ((wp.woke_ns - t) / 1000000));
  ledger (pool, info, &q);
  check (q.held == 0 && info[0].holders == 0 && info[0].flags == 0
      && info[0].state == SHRBUF_STATE_FILLED && info[0].seq == 5
      && info[0].timestamp_ns == 6, "slot 0 unheld, still FILLED with seq 5 "
      "and timestamp 6");

  close (fd_a);

  /* ... and a blocked acquire. */
  fd_a = shrbuf_pool_ioctl_acquire_shared (a, 0, 0, &acq_a);
  r = shrbuf_pool_ioctl_acquire_shared (b, 0, SHRBUF_ACQUIRE_NO_FD, &acq_b);
  check (fd_a >= 0 && r == 0, "A and B hold slot 0 shared again");
  pthread_create (&ta, NULL, acquire_thread, &wa);
  usleep (100000);
  r = shrbuf_pool_ioctl_release_shared (b, &acq_b);
  usleep (200000);
  check (r == 0 && pthread_tryjoin_np (ta, NULL) == EBUSY, "B let go: the "
      "acquire waiting for a FILLED slot still waits");
  t = now_ns ();
  r = shrbuf_pool_ioctl_release_shared (a, &acq_a);
  pthread_join (ta, NULL);
  check (r == 0 && wa.woke_ns >= t && wa.woke_ns - t < 2000000000LL,
      "A let go: the waiter woke %lld ms after that release",
      (long long) ((wa.woke_ns - t) / 1000000));
  close (fd_a);
  check (wa.result >= 0 && wa.acq.index == 0
      && wa.acq.state == SHRBUF_STATE_FILLED && wa.acq.seq == 5
      && wa.acq.timestamp_ns == 6, "the blocked acquire woke with slot %u, "
      "still FILLED with seq %llu, timestamp %llu", wa.acq.index,
      (unsigned long long) wa.acq.seq,
      (unsigned long long) wa.acq.timestamp_ns);
  close (wa.result);
  shrbuf_pool_ioctl_release (pool, 0, SHRBUF_STATE_EMPTY, 0, 0);

  /* A process that holds shared and is killed */
  if (pipe (ready))
    die ("pipe");
  ledger (pool, info, &q);
  child = fork ();
  if (child == 0) {
    struct child_report c = { 0 };
    int own = shrbuf_pool_ioctl_clone_id (pool, &c.handle_id);

    c.ok = own >= 0 && shrbuf_pool_ioctl_acquire_shared (own, 0, 0, NULL) >= 0
        && shrbuf_pool_ioctl_acquire_shared (own, 1, SHRBUF_ACQUIRE_NO_FD,
        NULL) == 0 ? 'y' : 'n';
    if (write (ready[1], &c, sizeof c) != sizeof c)
      _exit (3);
    for (;;)
      pause ();
  }
  memset (&rep, 0, sizeof rep);
  r = read (ready[0], &rep, sizeof rep);
  check (r == sizeof rep && rep.ok == 'y',
      "child %d: its own handle (id %u) holds slots 0 and 1 shared", child,
      rep.handle_id);
  fd_a = shrbuf_pool_ioctl_acquire_shared (a, 0, 0, &acq_a);
  ledger (pool, info, &q);
  check (fd_a >= 0 && q.held == 2 && info[0].holders == 2
      && info[0].holder_tgid == child && info[1].holders == 1
      && info[1].holder_tgid == child, "A joins on slot 0: holders %u and "
      "%u, holder_tgid the oldest hold's (%d, %d)", info[0].holders,
      info[1].holders, info[0].holder_tgid, info[1].holder_tgid);
  check (pool_debugfs_has ("    held by tgid %d handle %u\n    held by tgid "
          "%d handle %u\n", child, rep.handle_id, getpid (), id_a),
      "debugfs: slot 0 held by the child's handle and by A's");
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  ledger (pool, info, &q);
  check (q.auto_returned == 2 && q.held == 1 && info[0].holders == 1
      && info[0].holder_tgid == getpid () && info[0].auto_return_count == 1
      && info[1].holders == 0 && info[1].holder_tgid == 0
      && info[1].auto_return_count == 1 && info[1].flags == 0,
      "after kill -9: auto_returned %llu, held %u, slot 0 holders %u "
      "(holder %d), slot 1 unheld, each counted once",
      (unsigned long long) q.auto_returned, q.held, info[0].holders,
      info[0].holder_tgid);
  check (info[0].state == SHRBUF_STATE_EMPTY
      && info[1].state == SHRBUF_STATE_EMPTY && info[0].seq == 0,
      "their states unchanged (EMPTY)");
  check (!pool_debugfs_has ("held by tgid %d ", child),
      "debugfs: the child holds nothing any more");
  check (shrbuf_pool_ioctl_release_shared (a, &acq_a) == 0,
      "A's shared hold is still its own to release");
  close (fd_a);
  ledger (pool, info, &q);
  check (q.held == 0 && slot_refs (info, 2) == refs, "nothing held, dma-buf "
      "references back to %ld", refs);

  close (ready[0]);
  close (ready[1]);
  close (a);
  close (b);
  close (pool);
  check (bufinfo_count (ino[0]) < 0 && bufinfo_count (ino[1]) < 0,
      "the dma-bufs are freed with the pool");
  close (card);
  close (dev);
  check (fd_count () == base, "fds back to baseline (%d)", base);
}

/* REVOKE: the creator cuts a client off. */
static void
test_revoke (void)
{
  int base = fd_count ();
  int dev = open_broker (), card = open_card ("vkms");
  int pool = dumb_pool (dev, card, 3, 64), a, a2, c, fd0, fd1, r, i, buf;
  int handles[2];
  struct shrbuf_slot_info info[8];
  struct shrbuf_revoke rv;
  struct shrbuf_query q;
  struct pollfd p;
  struct waiter wp, wa;
  pthread_t tp, ta;
  uint32_t id_a = 0, id_a2 = 0, id_c = 0, returned = 99;
  unsigned long ino[3];
  int64_t t;
  uint8_t *map;
  long refs;
  int id_p;

  ledger (pool, info, &q);
  for (i = 0; i < 3; i++)
    ino[i] = info[i].inode;
  refs = slot_refs (info, 3);
  id_p = shrbuf_pool_ioctl_handle_id (pool);
  a = shrbuf_pool_ioctl_clone_id (pool, &id_a);
  c = shrbuf_pool_ioctl_clone_id (pool, &id_c);
  a2 = shrbuf_pool_ioctl_clone_id (a, &id_a2);
  check (a >= 0 && c >= 0 && a2 >= 0 && id_a2 != id_a, "clients A (%u) and "
      "C (%u); A cloned its handle (%u)", id_a, id_c, id_a2);
  check (pool_debugfs_has ("  handle %u: client %u made by %d holds 0\n",
          id_a2, id_a, getpid ()), "debugfs: A's clone is of client %u",
      id_a);

  fd0 = shrbuf_pool_ioctl_acquire (a, 0, 0, 0, 0, NULL);
  fd1 = shrbuf_pool_ioctl_acquire_shared (a, 1, 0, NULL);
  r = shrbuf_pool_ioctl_acquire_shared (c, 1, SHRBUF_ACQUIRE_NO_FD, NULL);
  r |= shrbuf_pool_ioctl_acquire (a2, 2, 0, SHRBUF_ACQUIRE_NO_FD, 0, NULL);
  check (fd0 >= 0 && fd1 >= 0 && r == 0, "A holds slot 0 exclusively and 1 "
      "shared (with fds), C holds 1 shared, A's clone holds 2");
  map = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd0, 0);
  check (map != MAP_FAILED, "A's slot 0 fd mapped");
  if (map != MAP_FAILED)
    memset (map, 0x5a, 4096);

  /* Who may revoke whom */
  CHECK_ERR (shrbuf_pool_ioctl_revoke (c, id_a, NULL), EPERM);
  CHECK_ERR (shrbuf_pool_ioctl_revoke (a, id_c, NULL), EPERM);
  CHECK_ERR (shrbuf_pool_ioctl_revoke (a2, 0x7ffffff0, NULL), EPERM);
  CHECK_ERR (shrbuf_pool_ioctl_revoke (pool, 0x7ffffff0, NULL), ENOENT);
  CHECK_ERR (shrbuf_pool_ioctl_revoke (pool, 0, NULL), ENOENT);
  CHECK_ERR (shrbuf_pool_ioctl_revoke (pool, id_p, NULL), EINVAL);
  rv = (struct shrbuf_revoke) {.handle_id = id_a,.flags = 1 };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_REVOKE, &rv), EINVAL);
  rv = (struct shrbuf_revoke) {.handle_id = id_a,.pad = 1 };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_REVOKE, &rv), EINVAL);
  rv = (struct shrbuf_revoke) {.handle_id = id_a,.returned = 1 };
  CHECK_ERR (raw_ioctl (pool, SHRBUF_IOC_REVOKE, &rv), EINVAL);
  CHECK_ERR (raw_ioctl (pool, _IOC (_IOC_READ | _IOC_WRITE, 'S', 0x06,
              SHRBUF_REVOKE_SIZE_V2 - 4), &rv), EINVAL);
  ledger (pool, info, &q);
  check (q.held == 3 && q.revoked == 0, "refused revocations changed "
      "nothing (held %u)", q.held);

  /* A waiter in poll() on A and a blocked acquire on A's clone */
  wp = (struct waiter) {.pool = a };
  wa = (struct waiter) {.pool = a2,.timeout_ns = 5000000000LL };
  pthread_create (&tp, NULL, poll_thread, &wp);
  pthread_create (&ta, NULL, acquire_thread, &wa);
  usleep (100000);
  t = now_ns ();
  r = shrbuf_pool_ioctl_revoke (pool, id_a, &returned);
  check (r == 0 && returned == 3, "the creator revokes client %u: %s, %u "
      "holds returned (A's two, its clone's one)", id_a, err_name (r),
      returned);
  pthread_join (tp, NULL);
  pthread_join (ta, NULL);
  check ((wp.result & (POLLHUP | POLLERR)) == (POLLHUP | POLLERR)
      && wp.woke_ns >= t && wp.woke_ns - t < 2000000000LL,
      "poll() on A woke with POLLHUP|POLLERR (revents 0x%x) %lld ms after "
      "the revocation", wp.result, (long long) ((wp.woke_ns - t) / 1000000));
  check (wa.result == -ENOTCONN && wa.woke_ns >= t
      && wa.woke_ns - t < 2000000000LL, "the acquire blocked on A's clone "
      "ended: %s, %lld ms after it", err_name (wa.result),
      (long long) ((wa.woke_ns - t) / 1000000));

  ledger (pool, info, &q);
  check (q.revoked == 3 && q.held == 1 && q.auto_returned == 0,
      "ledger: revoked %llu, held %u, auto_returned %llu",
      (unsigned long long) q.revoked, q.held,
      (unsigned long long) q.auto_returned);
  check (info[0].holders == 0 && info[0].revoke_count == 1
      && info[0].state == SHRBUF_STATE_EMPTY && info[0].holder_tgid == 0
      && info[2].holders == 0 && info[2].revoke_count == 1
      && info[1].holders == 1 && info[1].flags == SHRBUF_SLOT_SHARED
      && info[1].revoke_count == 1 && info[1].auto_return_count == 0,
      "slots 0 and 2 unheld in the state acquired (EMPTY), slot 1 still "
      "held shared by C; each revoke_count 1");
  check (pool_debugfs_has ("  handle %u: client %u made by %d holds 0 "
          "revoked\n", id_a, id_a, getpid ())
      && pool_debugfs_has ("held by tgid %d handle %u\n", getpid (), id_c)
      && !pool_debugfs_has ("handle %u\n", id_a),
      "debugfs: A revoked, C the only holder left");

  /* Every call on the revoked handles but QUERY: ENOTCONN */
  handles[0] = a;
  handles[1] = a2;
  buf = dumb_dmabuf (card, 64, 64);
  for (i = 0; i < 2; i++) {
    int h = handles[i];

    CHECK_ERR (shrbuf_pool_ioctl_acquire (h, SHRBUF_SLOT_ANY,
            SHRBUF_STATE_EMPTY, SHRBUF_ACQUIRE_NONBLOCK, 0, NULL), ENOTCONN);
    CHECK_ERR (shrbuf_pool_ioctl_acquire (h, 0, 0, SHRBUF_ACQUIRE_NO_FD, 0,
            NULL), ENOTCONN);
    CHECK_ERR (shrbuf_pool_ioctl_acquire_shared (h, 1, 0, NULL), ENOTCONN);
    CHECK_ERR (shrbuf_pool_ioctl_release (h, i ? 2 : 0, SHRBUF_STATE_EMPTY,
            0, 0), ENOTCONN);
    CHECK_ERR (shrbuf_pool_ioctl_clone (h), ENOTCONN);
    CHECK_ERR (shrbuf_pool_ioctl_add (h, buf, 0, "late", NULL), ENOTCONN);
    CHECK_ERR (shrbuf_pool_ioctl_revoke (h, id_c, NULL), ENOTCONN);
    r = shrbuf_pool_ioctl_query (h, NULL, 0, &q);
    check (r == 0 && q.handle_flags == SHRBUF_HANDLE_REVOKED
        && q.handle_id == (i ? id_a2 : id_a) && q.revoked == 3,
        "QUERY on the revoked handle %u works: flags 0x%x", q.handle_id,
        q.handle_flags);
    p = (struct pollfd) {.fd = h,.events = POLLIN | POLLOUT };
    r = poll (&p, 1, 0);
    check (r == 1 && p.revents == (POLLHUP | POLLERR), "poll() on it: "
        "revents 0x%x", p.revents);
  }
  close (buf);
  r = shrbuf_pool_ioctl_query (c, NULL, 0, &q);
  p = (struct pollfd) {.fd = c,.events = POLLIN | POLLOUT };
  i = poll (&p, 1, 0);
  check (r == 0 && q.handle_flags == 0 && i == 1 && p.revents == POLLOUT, "C is not revoked (flags 0x%x, revents 0x%x)",
      q.handle_flags, p.revents);

  /* The fds A acquired stay valid, and their dma-bufs alive. */
  check (fd_inode (fd0) == ino[0] && fd_inode (fd1) == ino[1]
      && bufinfo_count (ino[0]) > 0, "A's fds are still the slots' dma-bufs "
      "(bufinfo count %ld)", bufinfo_count (ino[0]));
  check (slot_refs (info, 3) == refs + 3, "dma-buf references: the pool's, "
      "A's two fds and its mapping (%ld + 3)", refs);
  check (map != MAP_FAILED && map[0] == 0x5a && map[4095] == 0x5a
      && hash_fd (fd0, 4096) != 0, "A's mapping and fd still read the buffer");
  /* What came back can be acquired again. */
  r = shrbuf_pool_ioctl_acquire (c, 0, 0, SHRBUF_ACQUIRE_NO_FD, 0, NULL);
  r |= shrbuf_pool_ioctl_release (c, 0, SHRBUF_STATE_EMPTY, 0, 0);
  r |= shrbuf_pool_ioctl_acquire (pool, 2, 0, SHRBUF_ACQUIRE_NO_FD, 0, NULL);
  r |= shrbuf_pool_ioctl_release (pool, 2, SHRBUF_STATE_EMPTY, 0, 0);
  check (r == 0, "slots 0 and 2 can be acquired again");

  /* Again: nothing more; the client is named by its first id after that
   * handle is closed, until its last handle is. */
  returned = 99;
  r = shrbuf_pool_ioctl_revoke (pool, id_a2, &returned);
  check (r == 0 && returned == 0, "revoking it again (by its clone's id): "
      "%s, %u returned", err_name (r), returned);
  close (a);
  returned = 99;
  r = shrbuf_pool_ioctl_revoke (pool, id_a, &returned);
  check (r == 0 && returned == 0, "with A closed, id %u still names its "
      "client: %s", id_a, err_name (r));
  close (a2);
  CHECK_ERR (shrbuf_pool_ioctl_revoke (pool, id_a, NULL), ENOENT);
  check (pool_debugfs_has ("handles 2 revoked 3\n"), "debugfs: 2 handles "
      "left, 3 holds revoked");

  if (map != MAP_FAILED)
    munmap (map, 4096);
  close (fd0);
  close (fd1);
  check (shrbuf_pool_ioctl_release_shared (c, &(struct shrbuf_acquire) {
              .index = 1,.state = SHRBUF_STATE_EMPTY}) == 0,
      "C releases its shared hold");
  ledger (pool, info, &q);
  check (q.held == 0 && slot_refs (info, 3) == refs, "nothing held, "
      "dma-buf references back to %ld", refs);
  close (c);
  close (pool);
  for (r = 0, i = 0; i < 3; i++)
    r += bufinfo_count (ino[i]) < 0;
  check (r == 3, "the dma-bufs are freed with the pool");
  close (card);
  close (dev);
  check (fd_count () == base, "fds back to baseline (%d)", base);
}

/* Fills @buf with 0xa5 and returns it. */
static void *
canary (uint8_t * buf, size_t size)
{
  memset (buf, 0xa5, size);
  return buf;
}

static int
canary_intact (const uint8_t * buf, size_t from, size_t to)
{
  size_t i;

  for (i = from; i < to; i++)
    if (buf[i] != 0xa5)
      return 0;
  return 1;
}

#define RW_SIZE(nr, size) _IOC (_IOC_READ | _IOC_WRITE, 'S', (nr), (size))

/* The struct sizes ABI 1 published still work as they did, and nothing is
 * written past them; smaller ones do not; larger ones need a zero tail. */
static void
test_sizes (void)
{
  int base = fd_count ();
  int dev = open_broker (), card = open_card ("vkms"), pool, clone, r, i;
  static const struct
  {
    unsigned nr, size;
  } first[] = {
    {0x00, SHRBUF_POOL_CREATE_SIZE_V1}, {0x01, SHRBUF_POOL_CLONE_SIZE_V1},
    {0x02, SHRBUF_ADD_SIZE_V1}, {0x03, SHRBUF_ACQUIRE_SIZE_V1},
    {0x04, SHRBUF_RELEASE_SIZE_V1}, {0x05, SHRBUF_QUERY_SIZE_V1},
    {0x06, SHRBUF_REVOKE_SIZE_V2},
  };
  uint8_t raw[512], entries[2 * SHRBUF_SLOT_INFO_SIZE_V1 + 64];
  struct shrbuf_pool_create *pc = (void *) raw;
  struct shrbuf_pool_clone *cl = (void *) raw;
  struct shrbuf_add *add = (void *) raw;
  struct shrbuf_acquire *acq = (void *) raw;
  struct shrbuf_release *rel = (void *) raw;
  struct shrbuf_query *q = (void *) raw;
  const struct shrbuf_slot_info *e0 = (void *) entries,
      *e1 = (void *) (entries + SHRBUF_SLOT_INFO_SIZE_V1);
  struct
  {
    struct shrbuf_pool_clone s;
    uint32_t tail[2];
  } bigc;
  struct
  {
    struct shrbuf_revoke s;
    uint64_t tail;
  } bigr;
  unsigned long ino;
  int bufs[2];
  uint32_t pool_id;

  /* An ABI 1 client, call by call with ABI 1's sizes */
  memset (canary (raw, sizeof raw), 0, SHRBUF_POOL_CREATE_SIZE_V1);
  pc->max_slots = 2;
  r = raw_ioctl (dev, RW_SIZE (0x00, SHRBUF_POOL_CREATE_SIZE_V1), raw);
  pool = pc->fd;
  pool_id = pc->id;
  check (r == 0 && pool >= 0 && canary_intact (raw, SHRBUF_POOL_CREATE_SIZE_V1,
          sizeof raw), "POOL_CREATE with %d bytes: %s, fd %d, pool %u; "
      "nothing written past them", SHRBUF_POOL_CREATE_SIZE_V1, err_name (r),
      pool, pool_id);
  for (i = 0; i < 2; i++) {
    bufs[i] = dumb_dmabuf (card, 64, 64);
    memset (canary (raw, sizeof raw), 0, SHRBUF_ADD_SIZE_V1);
    add->fd = bufs[i];
    r = raw_ioctl (pool, RW_SIZE (0x02, SHRBUF_ADD_SIZE_V1), raw);
    check (r == 0 && add->index == (uint32_t) i
        && canary_intact (raw, SHRBUF_ADD_SIZE_V1, sizeof raw),
        "ADD with %d bytes: slot %u", SHRBUF_ADD_SIZE_V1, add->index);
  }
  ino = fd_inode (bufs[0]);
  memset (canary (raw, sizeof raw), 0, SHRBUF_POOL_CLONE_SIZE_V1);
  r = raw_ioctl (pool, RW_SIZE (0x01, SHRBUF_POOL_CLONE_SIZE_V1), raw);
  clone = cl->fd;
  check (r == 0 && clone >= 0 && canary_intact (raw,
          SHRBUF_POOL_CLONE_SIZE_V1, sizeof raw),
      "POOL_CLONE with %d bytes: fd %d, nothing written past them",
      SHRBUF_POOL_CLONE_SIZE_V1, clone);
  memset (canary (raw, sizeof raw), 0, SHRBUF_ACQUIRE_SIZE_V1);
  acq->index = 0;
  r = raw_ioctl (clone, RW_SIZE (0x03, SHRBUF_ACQUIRE_SIZE_V1), raw);
  check (r == 0 && acq->fd >= 0 && fd_inode (acq->fd) == ino
      && canary_intact (raw, SHRBUF_ACQUIRE_SIZE_V1, sizeof raw),
      "ACQUIRE with %d bytes on the clone: slot 0's dma-buf", SHRBUF_ACQUIRE_SIZE_V1);
  close (acq->fd);
  memset (canary (raw, sizeof raw), 0, SHRBUF_ACQUIRE_SIZE_V1);
  acq->index = 0;
  CHECK_ERR (raw_ioctl (pool, RW_SIZE (0x03, SHRBUF_ACQUIRE_SIZE_V1), raw),
      EBUSY);
  memset (canary (raw, sizeof raw), 0, SHRBUF_QUERY_SIZE_V1);
  canary (entries, sizeof entries);
  q->slots_ptr = (uintptr_t) entries;
  q->count = 2;
  q->entry_size = SHRBUF_SLOT_INFO_SIZE_V1;
  r = raw_ioctl (pool, RW_SIZE (0x05, SHRBUF_QUERY_SIZE_V1), raw);
  check (r == 0 && q->count == 2 && q->held == 1 && q->id == pool_id
      && q->entry_size == sizeof (struct shrbuf_slot_info)
      && canary_intact (raw, SHRBUF_QUERY_SIZE_V1, sizeof raw),
      "QUERY with %d bytes: count %u, held %u, the kernel's entry_size %u; "
      "nothing written past them", SHRBUF_QUERY_SIZE_V1, q->count, q->held,
      q->entry_size);
  check (e0->holder_tgid == getpid () && e0->inode == ino
      && e0->acquire_count == 1 && e1->index == 1 && e1->holder_tgid == 0
      && canary_intact (entries, 2 * SHRBUF_SLOT_INFO_SIZE_V1,
          sizeof entries), "entries of ABI 1's %d bytes: holder %d, slot 1 "
      "at its place, nothing written past them", SHRBUF_SLOT_INFO_SIZE_V1,
      e0->holder_tgid);
  memset (canary (raw, sizeof raw), 0, SHRBUF_RELEASE_SIZE_V1);
  rel->index = 0;
  rel->state = SHRBUF_STATE_FILLED;
  rel->seq = 3;
  r = raw_ioctl (clone, RW_SIZE (0x04, SHRBUF_RELEASE_SIZE_V1), raw);
  check (r == 0 && canary_intact (raw, SHRBUF_RELEASE_SIZE_V1, sizeof raw),
      "RELEASE with %d bytes", SHRBUF_RELEASE_SIZE_V1);
  memset (canary (raw, sizeof raw), 0, SHRBUF_QUERY_SIZE_V1);
  r = raw_ioctl (pool, RW_SIZE (0x05, SHRBUF_QUERY_SIZE_V1), raw);
  check (r == 0 && q->held == 0, "and the slot is unheld again");
  /* The clone's last close still returns what it holds. */
  memset (canary (raw, sizeof raw), 0, SHRBUF_ACQUIRE_SIZE_V1);
  acq->index = SHRBUF_SLOT_ANY;
  acq->state = SHRBUF_STATE_FILLED;
  acq->flags = SHRBUF_ACQUIRE_NONBLOCK | SHRBUF_ACQUIRE_NO_FD;
  r = raw_ioctl (clone, RW_SIZE (0x03, SHRBUF_ACQUIRE_SIZE_V1), raw);
  check (r == 0 && acq->index == 0 && acq->seq == 3, "SLOT_ANY finds the "
      "FILLED slot (seq %llu)", (unsigned long long) acq->seq);
  close (clone);
  memset (canary (raw, sizeof raw), 0, SHRBUF_QUERY_SIZE_V1);
  r = raw_ioctl (pool, RW_SIZE (0x05, SHRBUF_QUERY_SIZE_V1), raw);
  check (r == 0 && q->held == 0 && q->auto_returned == 1, "closing the "
      "clone returned it (auto_returned %llu)",
      (unsigned long long) q->auto_returned);

  /* Smaller than first published: EINVAL, for every call */
  for (i = 0; i < (int) (sizeof first / sizeof first[0]); i++) {
    int fd = first[i].nr == 0x00 ? dev : pool;

    memset (raw, 0, sizeof raw);
    CHECK_ERR (raw_ioctl (fd, RW_SIZE (first[i].nr, first[i].size - 1),
            raw), EINVAL);
    CHECK_ERR (raw_ioctl (fd, RW_SIZE (first[i].nr, 0), raw), EINVAL);
  }
  /* Between the first size and the kernel's */
  memset (canary (raw, sizeof raw), 0, 20);
  pc->max_slots = 1;
  r = raw_ioctl (dev, RW_SIZE (0x00, 20), raw);
  check (r == 0 && pc->fd >= 0 && pc->handle_id > 0
      && canary_intact (raw, 20, sizeof raw), "POOL_CREATE with 20 bytes: "
      "the handle id (%u) in them, nothing past them", pc->handle_id);
  close (pc->fd);
  /* Larger than the kernel's: the tail must be zero */
  memset (&bigc, 0, sizeof bigc);
  bigc.tail[1] = 1;
  CHECK_ERR (raw_ioctl (pool, RW_SIZE (0x01, sizeof bigc), &bigc), EINVAL);
  bigc.tail[1] = 0;
  r = raw_ioctl (pool, RW_SIZE (0x01, sizeof bigc), &bigc);
  check (r == 0 && bigc.s.fd >= 0 && bigc.s.handle_id > 0
      && bigc.tail[0] == 0 && bigc.tail[1] == 0, "a longer POOL_CLONE with "
      "a zero tail works (handle %u), the tail left as it was",
      bigc.s.handle_id);
  memset (&bigr, 0, sizeof bigr);
  bigr.s.handle_id = bigc.s.handle_id;
  bigr.tail = 1;
  CHECK_ERR (raw_ioctl (pool, RW_SIZE (0x06, sizeof bigr), &bigr), EINVAL);
  bigr.tail = 0;
  r = raw_ioctl (pool, RW_SIZE (0x06, sizeof bigr), &bigr);
  check (r == 0 && bigr.s.returned == 0, "a longer REVOKE with a zero tail "
      "works");
  close (bigc.s.fd);

  close (bufs[0]);
  close (bufs[1]);
  close (pool);
  check (bufinfo_count (ino) < 0, "the dma-bufs are freed with the pool");
  close (card);
  close (dev);
  check (fd_count () == base, "fds back to baseline (%d)", base);
}

static void
hold (void)
{
  int dev = open_broker (), card = open_card ("vkms");
  int pool = dumb_pool (dev, card, 1, 64);
  int fd = shrbuf_pool_ioctl_acquire (pool, 0, 0, 0, 0, NULL);

  printf ("%s\n", fd >= 0 ? "ready" : "failed");
  fflush (stdout);
  pause ();
}

/* Each size N compares a round trip through the pool (acquire any EMPTY
 * slot, close its fd, release it: FIFO, so it walks all N dma-bufs) with
 * dup()+close() walking the same N dma-buf fds, so that both touch the
 * same working set; the ratio shows what the pool adds as it grows. */
static void
bench (int iterations)
{
  static const uint32_t sizes[] = { 4, 64, 4096 };
  int dev = open_broker (), card = open_card ("vkms"), i, s, r;
  struct rlimit rl = {.rlim_cur = 8192,.rlim_max = 8192 };
  int64_t t;

  if (setrlimit (RLIMIT_NOFILE, &rl))
    die ("setrlimit");
  printf ("| slots | pool round trip (ns) | dup+close of the same dma-bufs "
      "(ns) | ratio |\n");
  printf ("| ---: | ---: | ---: | ---: |\n");
  for (s = 0; s < 3; s++) {
    uint32_t n = sizes[s];
    int pool = shrbuf_pool_ioctl_create (dev, n, NULL);
    int *fds = calloc (n, sizeof *fds);
    struct shrbuf_acquire acq;
    int64_t ns, dup_ns;
    uint32_t j;

    if (pool < 0 || !fds)
      die ("pool");
    for (j = 0; j < n; j++) {
      fds[j] = dumb_dmabuf (card, 16, 16);
      if (shrbuf_pool_ioctl_add (pool, fds[j], SHRBUF_STATE_EMPTY, NULL, NULL))
        die ("add");
    }
    /* The best of 5 runs of each, against noise from the host. */
    dup_ns = ns = INT64_MAX;
    for (r = 0; r < 5; r++) {
      t = now_ns ();
      for (i = 0; i < iterations; i++)
        close (dup (fds[i % n]));
      t = (now_ns () - t) / iterations;
      dup_ns = t < dup_ns ? t : dup_ns;

      t = now_ns ();
      for (i = 0; i < iterations; i++) {
        int fd = shrbuf_pool_ioctl_acquire (pool, SHRBUF_SLOT_ANY,
            SHRBUF_STATE_EMPTY, SHRBUF_ACQUIRE_NONBLOCK, 0, &acq);
        if (fd < 0) {
          errno = -fd;
          die ("acquire");
        }
        close (fd);
        shrbuf_pool_ioctl_release (pool, acq.index, SHRBUF_STATE_EMPTY, i, 0);
      }
      t = (now_ns () - t) / iterations;
      ns = t < ns ? t : ns;
    }
    printf ("| %u | %lld | %lld | %.2f |\n", n, (long long) ns,
        (long long) dup_ns, (double) ns / dup_ns);
    for (j = 0; j < n; j++)
      close (fds[j]);
    free (fds);
    close (pool);
  }
  close (card);
  close (dev);
}

int
main (int argc, char **argv)
{
  const char *group = argc > 1 ? argv[1] : "";

  setvbuf (stdout, NULL, _IOLBF, 0);
  if (strcmp (group, "lifetime") == 0)
    test_lifetime ();
  else if (strcmp (group, "autoreturn") == 0)
    test_autoreturn ();
  else if (strcmp (group, "poll") == 0)
    test_poll ();
  else if (strcmp (group, "errno") == 0)
    test_errno ();
  else if (strcmp (group, "prime") == 0)
    test_prime ();
  else if (strcmp (group, "shared") == 0)
    test_shared ();
  else if (strcmp (group, "revoke") == 0)
    test_revoke ();
  else if (strcmp (group, "sizes") == 0)
    test_sizes ();
  else if (strcmp (group, "hold") == 0)
    hold ();
  else if (strcmp (group, "bench") == 0) {
    bench (argc > 2 ? atoi (argv[2]) : 20000);
    return 0;
  } else {
    fprintf (stderr, "usage: shrbuf-test lifetime|autoreturn|poll|errno|"
        "prime|shared|revoke|sizes|hold|bench [N]\n");
    return 2;
  }
  printf ("# %s: %d checks, %d failed\n", group, n_checks, n_failed);
  return n_failed ? 1 : 0;
}
