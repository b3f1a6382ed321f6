/*
 * packet: the few Linux calls the layer 2 speaker needs that Node cannot make, as a Node-API addon.
 *   interfaces(netns)              -> [{ name, index, mac, up, loopback, ipv6: [Buffer(16)] }]
 *   open(ifname, netns, onFrame, { rate, burst, accept }?)
 *                                  -> handle; onFrame(Buffer) for each ARP request / Neighbor
 *                                     Solicitation received that is addressed to us (unicast to our
 *                                     MAC, broadcast, multicast), at most `rate` per second after a
 *                                     `burst` (a token bucket: a storm is dropped here, in C, so it
 *                                     cannot starve the event loop that renews our Lease);
 *                                     accept: "neighbor" passes replies and NAs too (probes only)
 *   send(handle, frame)            -> bytes sent (a whole Ethernet frame)
 *   joinGroup6(handle, Buffer(16)) -> joins an IPv6 multicast group on the interface (MLD report,
 *                                     NIC filter), e.g. a Service IP's solicited-node group
 *   close(handle)                  -> idempotent; send/joinGroup6 on a closed handle throw
 *   stats(handle)                  -> { received, delivered, dropped } (dropped: over the bucket)
 * A handle's memory is freed only once both the JS handle has been collected and libuv is done
 * with the poll handle, so a closed handle is always safe to pass again (no use after free).
 * `netns` (a name under /var/run/netns, a path, or null) lets a process in one network namespace
 * own sockets in another: the calling thread enters it with setns(2) just long enough to create
 * the sockets and read the interface, then returns. Sockets stay bound to the namespace they were
 * created in. All parsing of the frames is done in TypeScript; this file only moves bytes.
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    if ((call) != napi_ok) return NULL;                                        \
  } while (0)

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value code, text, error;
  napi_create_string_utf8(env, strerror(err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, NULL, text, &error);
  napi_value errnum;
  napi_create_int32(env, err, &errnum);
  napi_set_named_property(env, error, "errno", errnum);
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_msg(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* ---- network namespaces ------------------------------------------------------------------- */

typedef struct {
  int saved; /* our own namespace, to return to; -1 when we did not move */
} ns_guard;

/* Enters `ns` (NULL or "" = stay). Returns 0, or an errno. */
static int ns_enter(const char *ns, ns_guard *g) {
  g->saved = -1;
  if (ns == NULL || ns[0] == '\0') return 0;
  char path[512];
  if (strchr(ns, '/')) snprintf(path, sizeof path, "%s", ns);
  else snprintf(path, sizeof path, "/var/run/netns/%s", ns);
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) return errno;
  g->saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (g->saved < 0) {
    int e = errno;
    close(target);
    return e;
  }
  if (setns(target, CLONE_NEWNET) != 0) {
    int e = errno;
    close(target);
    close(g->saved);
    g->saved = -1;
    return e;
  }
  close(target);
  return 0;
}

static void ns_leave(ns_guard *g) {
  if (g->saved < 0) return;
  /* Returning to our own namespace cannot fail for a process that could leave it. */
  if (setns(g->saved, CLONE_NEWNET) != 0) abort();
  close(g->saved);
  g->saved = -1;
}

/*
 * Reads a string argument into buf, refusing one that does not fit (napi would truncate it
 * silently, and a truncated interface or namespace name can name another one). Returns 0, -1 for
 * a wrong type, or -2 when too long. `optional` accepts null/undefined as "".
 */
static int read_string(napi_env env, napi_value v, char *buf, size_t len, int optional) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return -1;
  buf[0] = '\0';
  if (optional && (t == napi_null || t == napi_undefined)) return 0;
  if (t != napi_string) return -1;
  size_t need;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &need) != napi_ok) return -1;
  if (need >= len) return -2;
  size_t got;
  if (napi_get_value_string_utf8(env, v, buf, len, &got) != napi_ok) return -1;
  return 0;
}

static int opt_string(napi_env env, napi_value v, char *buf, size_t len) { return read_string(env, v, buf, len, 1); }

/* ---- interfaces(netns) -------------------------------------------------------------------- */

static napi_value find_or_add(napi_env env, napi_value list, const char *name) {
  uint32_t n;
  napi_get_array_length(env, list, &n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value item, nm;
    char buf[IF_NAMESIZE + 1];
    size_t got;
    napi_get_element(env, list, i, &item);
    napi_get_named_property(env, item, "name", &nm);
    napi_get_value_string_utf8(env, nm, buf, sizeof buf, &got);
    if (strcmp(buf, name) == 0) return item;
  }
  napi_value item, nm, v6;
  napi_create_object(env, &item);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &nm);
  napi_set_named_property(env, item, "name", nm);
  napi_create_array(env, &v6);
  napi_set_named_property(env, item, "ipv6", v6);
  napi_set_element(env, list, n, item);
  return item;
}

static napi_value js_interfaces(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char ns[256] = "";
  int rs = argc > 0 ? opt_string(env, argv[0], ns, sizeof ns) : 0;
  if (rs == -2) return throw_msg(env, "interfaces(netns): netns is longer than 255 bytes");
  if (rs != 0) return throw_msg(env, "interfaces(netns): netns must be a string or null");
  ns_guard g;
  int e = ns_enter(ns, &g);
  if (e) return throw_errno(env, "enter network namespace", e);
  struct ifaddrs *ifs = NULL;
  int rc = getifaddrs(&ifs);
  e = errno;
  ns_leave(&g);
  if (rc != 0) return throw_errno(env, "getifaddrs", e);
  napi_value list;
  napi_create_array(env, &list);
  for (struct ifaddrs *p = ifs; p; p = p->ifa_next) {
    if (!p->ifa_name) continue;
    napi_value item = find_or_add(env, list, p->ifa_name);
    napi_value b;
    napi_get_boolean(env, (p->ifa_flags & IFF_UP) != 0, &b);
    napi_set_named_property(env, item, "up", b);
    napi_get_boolean(env, (p->ifa_flags & IFF_LOOPBACK) != 0, &b);
    napi_set_named_property(env, item, "loopback", b);
    if (!p->ifa_addr) continue;
    if (p->ifa_addr->sa_family == AF_PACKET) {
      struct sockaddr_ll *ll = (struct sockaddr_ll *)p->ifa_addr;
      napi_value idx, mac;
      void *data;
      napi_create_int32(env, ll->sll_ifindex, &idx);
      napi_set_named_property(env, item, "index", idx);
      napi_create_buffer_copy(env, ll->sll_halen, ll->sll_addr, &data, &mac);
      napi_set_named_property(env, item, "mac", mac);
    } else if (p->ifa_addr->sa_family == AF_INET6) {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)p->ifa_addr;
      napi_value v6, addr;
      void *data;
      uint32_t n;
      napi_get_named_property(env, item, "ipv6", &v6);
      napi_get_array_length(env, v6, &n);
      napi_create_buffer_copy(env, 16, &in6->sin6_addr, &data, &addr);
      napi_set_element(env, v6, n, addr);
    }
  }
  freeifaddrs(ifs);
  return list;
}

/* ---- sockets ------------------------------------------------------------------------------ */

typedef struct {
  uv_poll_t poll;
  int fd;
  int fd6; /* an IPv6 datagram socket used only to hold multicast memberships */
  int ifindex;
  int closed;     /* close() ran: fds closed, references dropped, poll handle closing */
  int js_alive;   /* the JS external still refers to us (its finalizer has not run) */
  int uv_alive;   /* libuv still owns the poll handle (its close callback has not run) */
  napi_env env;
  napi_ref callback;
  napi_async_context async;
  /* Token bucket for frames handed to JS: `tokens` refill at `rate` per second up to `burst`. */
  double rate, burst, tokens;
  uint64_t refilled_ns;
  uint64_t received, delivered, dropped;
} sock_t;

#define DEFAULT_RATE 2000.0
#define DEFAULT_BURST 500.0
/* Frames read per wakeup, delivered or dropped: bounds one wakeup's time (and so how long the
 * Lease renewal timer can wait) even while the socket never drains. */
#define FRAMES_PER_WAKEUP 256

/*
 * Classic BPF: keep ARP requests and ICMPv6 Neighbor Solicitations (no extension headers, as
 * RFC 4861 senders emit them), the only frames the responder answers; drop everything else in
 * the kernel (replies and advertisements too: a storm of them never wakes us up).
 */
static struct sock_filter REQUESTS[] = {
    /* 0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),              /* ethertype */
    /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 0, 2), /* ARP, else -> 4 */
    /* 2 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20),               /* ARP operation */
    /* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 5, 6),         /* request -> 9, else -> 10 */
    /* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 5), /* IPv6, else -> 10 */
    /* 5 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),               /* IPv6 next header */
    /* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 3),        /* ICMPv6, else -> 10 */
    /* 7 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 54),               /* ICMPv6 type */
    /* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 0, 1),       /* NS -> 9, else -> 10 */
    /* 9 */ BPF_STMT(BPF_RET | BPF_K, 0x40000),
    /* 10 */ BPF_STMT(BPF_RET | BPF_K, 0),
};

/* For probes (tests, benches), not the responder: every ARP frame and NS/NA, replies included. */
static struct sock_filter NEIGHBOR[] = {
    /* 0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),              /* ethertype */
    /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 6, 0), /* ARP -> 8 */
    /* 2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 6),
    /* 3 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),               /* IPv6 next header */
    /* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 4),        /* ICMPv6, else -> 9 */
    /* 5 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 54),               /* ICMPv6 type */
    /* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 1, 0),       /* NS -> 8 */
    /* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 136, 0, 1),       /* NA -> 8, else -> 9 */
    /* 8 */ BPF_STMT(BPF_RET | BPF_K, 0x40000),
    /* 9 */ BPF_STMT(BPF_RET | BPF_K, 0),
};

static uint64_t now_ns(void) { return uv_hrtime(); }

static void maybe_free(sock_t *s) {
  if (!s->js_alive && !s->uv_alive) free(s);
}

static void on_closed(uv_handle_t *h) {
  sock_t *s = (sock_t *)h->data;
  s->uv_alive = 0;
  maybe_free(s);
}

static void sock_close(sock_t *s) {
  if (s->closed) return;
  s->closed = 1;
  close(s->fd);
  if (s->fd6 >= 0) close(s->fd6);
  if (s->callback) napi_delete_reference(s->env, s->callback);
  s->callback = NULL;
  if (s->async) napi_async_destroy(s->env, s->async);
  s->async = NULL;
  if (s->uv_alive) {
    uv_poll_stop(&s->poll);
    uv_close((uv_handle_t *)&s->poll, on_closed);
  }
}

/* Takes one token if there is one, refilling first. */
static int take_token(sock_t *s) {
  uint64_t t = now_ns();
  s->tokens += (double)(t - s->refilled_ns) / 1e9 * s->rate;
  if (s->tokens > s->burst) s->tokens = s->burst;
  s->refilled_ns = t;
  if (s->tokens < 1.0) return 0;
  s->tokens -= 1.0;
  return 1;
}

/* A callback that threw: hand the exception to Node as uncaught (as any event handler's would
 * be) instead of leaving it pending, which would make every later Node-API call fail. */
static void raise_pending(napi_env env) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) return;
  napi_value err;
  if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
}

static void on_readable(uv_poll_t *h, int status, int events) {
  sock_t *s = (sock_t *)h->data;
  (void)events;
  if (status < 0 || s->closed) return;
  unsigned char buf[9216];
  for (int i = 0; i < FRAMES_PER_WAKEUP && !s->closed; i++) {
    struct sockaddr_ll from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s->fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
    if (n < 0) return; /* EAGAIN: drained */
    /* Our own frames, and unicast frames for another host (seen when the interface is
     * promiscuous, or a bridge floods an unknown destination): neither is ours to answer. */
    if (from.sll_pkttype == PACKET_OUTGOING || from.sll_pkttype == PACKET_OTHERHOST) continue;
    s->received++;
    if (!take_token(s)) {
      s->dropped++;
      continue;
    }
    napi_handle_scope scope;
    if (napi_open_handle_scope(s->env, &scope) != napi_ok) return;
    napi_value fn, recv, frame, result;
    void *data;
    napi_status st = napi_generic_failure;
    if (napi_get_reference_value(s->env, s->callback, &fn) == napi_ok && fn != NULL &&
        napi_create_buffer_copy(s->env, (size_t)n, buf, &data, &frame) == napi_ok && napi_get_global(s->env, &recv) == napi_ok) {
      s->delivered++;
      st = napi_make_callback(s->env, s->async, recv, fn, 1, &frame, &result);
    }
    if (st != napi_ok) raise_pending(s->env);
    napi_close_handle_scope(s->env, scope);
    if (st != napi_ok) return; /* the process is handling an exception (or Node-API is failing) */
  }
}

static sock_t *get_sock(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) {
    napi_throw_type_error(env, NULL, "not a packet socket handle");
    return NULL;
  }
  sock_t *s = (sock_t *)p;
  if (s->closed) {
    napi_throw_error(env, NULL, "packet socket is closed");
    return NULL;
  }
  return s;
}

/* The JS handle was collected: a socket nobody can close any more is closed now (a leak, not a
 * crash), and the memory goes once libuv is done with it too. */
static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  sock_t *s = (sock_t *)data;
  s->js_alive = 0;
  if (!s->closed) sock_close(s);
  maybe_free(s);
}

/* Reads an optional positive number property of `opts`; `fallback` when absent. -1 when wrong. */
static double opt_number(napi_env env, napi_value opts, const char *key, double fallback) {
  bool has = false;
  if (napi_has_named_property(env, opts, key, &has) != napi_ok) return -1;
  if (!has) return fallback;
  napi_value v;
  napi_valuetype t;
  double d;
  if (napi_get_named_property(env, opts, key, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok) return -1;
  if (t == napi_undefined) return fallback;
  if (t != napi_number || napi_get_value_double(env, v, &d) != napi_ok || !(d >= 1.0 && d <= 1e9)) return -1;
  return d;
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) return throw_msg(env, "open(ifname, netns, onFrame, opts?) takes 3 or 4 arguments");
  char ifname[IF_NAMESIZE];
  char ns[256];
  int rs = read_string(env, argv[0], ifname, sizeof ifname, 0);
  if (rs == -2) return throw_msg(env, "open: the interface name is longer than 15 bytes (IFNAMSIZ)");
  if (rs != 0 || ifname[0] == '\0') return throw_msg(env, "open: ifname must be a non-empty string");
  rs = opt_string(env, argv[1], ns, sizeof ns);
  if (rs == -2) return throw_msg(env, "open: netns is longer than 255 bytes");
  if (rs != 0) return throw_msg(env, "open: netns must be a string or null");
  napi_valuetype t;
  CHECK(napi_typeof(env, argv[2], &t));
  if (t != napi_function) return throw_msg(env, "open: onFrame must be a function");
  double rate = DEFAULT_RATE, burst = DEFAULT_BURST;
  struct sock_fprog prog = { .len = sizeof REQUESTS / sizeof REQUESTS[0], .filter = REQUESTS };
  if (argc > 3) {
    CHECK(napi_typeof(env, argv[3], &t));
    if (t == napi_object) {
      rate = opt_number(env, argv[3], "rate", DEFAULT_RATE);
      burst = opt_number(env, argv[3], "burst", DEFAULT_BURST);
      if (rate < 0 || burst < 0) return throw_msg(env, "open: opts.rate and opts.burst must be numbers from 1 to 1e9");
      bool has = false;
      if (napi_has_named_property(env, argv[3], "accept", &has) == napi_ok && has) {
        napi_value v;
        char accept[16];
        CHECK(napi_get_named_property(env, argv[3], "accept", &v));
        int r = read_string(env, v, accept, sizeof accept, 1);
        if (r != 0 || (accept[0] && strcmp(accept, "requests") != 0 && strcmp(accept, "neighbor") != 0)) return throw_msg(env, "open: opts.accept must be \"requests\" or \"neighbor\"");
        if (strcmp(accept, "neighbor") == 0) prog = (struct sock_fprog){ .len = sizeof NEIGHBOR / sizeof NEIGHBOR[0], .filter = NEIGHBOR };
      }
    } else if (t != napi_undefined && t != napi_null) return throw_msg(env, "open: opts must be an object");
  }

  ns_guard g;
  int e = ns_enter(ns, &g);
  if (e) return throw_errno(env, "enter network namespace", e);
  int fd = -1, fd6 = -1, ifindex = 0;
  const char *what = NULL;
  /* Protocol 0 receives nothing until bind(): the filter is in place before the first frame. */
  fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) { what = "socket(AF_PACKET)"; goto fail; }
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) { what = "attach filter"; goto fail; }
  ifindex = (int)if_nametoindex(ifname);
  if (ifindex == 0) { what = ifname; goto fail; }
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = ifindex;
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) { what = "bind(AF_PACKET)"; goto fail; }
  fd6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0); /* may fail where IPv6 is disabled */
  ns_leave(&g);

  sock_t *s = calloc(1, sizeof *s);
  if (!s) { close(fd); if (fd6 >= 0) close(fd6); return throw_errno(env, "open", ENOMEM); }
  s->fd = fd;
  s->fd6 = fd6;
  s->ifindex = ifindex;
  s->env = env;
  s->rate = rate;
  s->burst = burst;
  s->tokens = burst;
  s->refilled_ns = now_ns();
  s->poll.data = s;
  uv_loop_t *loop;
  napi_value name, handle;
  /* From here every failure goes through sock_close, which undoes whatever was set up. */
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) { what = "get the event loop"; e = EINVAL; goto fail_sock; }
  if ((e = -uv_poll_init(loop, &s->poll, fd)) != 0) { what = "uv_poll_init"; goto fail_sock; }
  s->uv_alive = 1;
  if (napi_create_string_utf8(env, "metallb:packet", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, NULL, name, &s->async) != napi_ok ||
      napi_create_reference(env, argv[2], 1, &s->callback) != napi_ok) { what = "keep the callback"; e = ENOMEM; goto fail_sock; }
  if ((e = -uv_poll_start(&s->poll, UV_READABLE, on_readable)) != 0) { what = "uv_poll_start"; goto fail_sock; }
  if (napi_create_external(env, s, finalize, NULL, &handle) != napi_ok) { what = "create the handle"; e = ENOMEM; goto fail_sock; }
  s->js_alive = 1;
  return handle;

fail_sock:
  sock_close(s);
  maybe_free(s); /* at once when libuv never had it, else in on_closed */
  return throw_errno(env, what, e);

fail:
  e = errno;
  if (fd >= 0) close(fd);
  ns_leave(&g);
  return throw_errno(env, what, e);
}

/* The (handle, Buffer) arguments of send and joinGroup6; NULL (with an exception) when wrong. */
static sock_t *handle_and_buffer(napi_env env, napi_callback_info info, const char *usage, void **data, size_t *len) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) {
    throw_msg(env, usage);
    return NULL;
  }
  sock_t *s = get_sock(env, argv[0]);
  if (s && napi_get_buffer_info(env, argv[1], data, len) != napi_ok) {
    throw_msg(env, usage);
    return NULL;
  }
  return s;
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  void *data;
  size_t len;
  sock_t *s = handle_and_buffer(env, info, "send(handle, frame: Buffer)", &data, &len);
  if (!s) return NULL;
  ssize_t n = send(s->fd, data, len, 0);
  if (n < 0) return throw_errno(env, "send", errno);
  napi_value r;
  napi_create_int32(env, (int32_t)n, &r);
  return r;
}

static napi_value js_join_group6(napi_env env, napi_callback_info info) {
  void *data;
  size_t len;
  sock_t *s = handle_and_buffer(env, info, "joinGroup6(handle, group: 16-byte Buffer)", &data, &len);
  if (!s) return NULL;
  if (len != 16) return throw_msg(env, "joinGroup6(handle, group: 16-byte Buffer)");
  if (s->fd6 < 0) return throw_errno(env, "joinGroup6", EAFNOSUPPORT);
  struct ipv6_mreq m;
  memcpy(&m.ipv6mr_multiaddr, data, 16);
  m.ipv6mr_interface = (unsigned)s->ifindex;
  if (setsockopt(s->fd6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m, sizeof m) != 0 && errno != EADDRINUSE) return throw_errno(env, "IPV6_ADD_MEMBERSHIP", errno);
  napi_value r;
  napi_get_undefined(env, &r);
  return r;
}

/* The handle argument of close and stats, closed or not; NULL (with an exception) when it is none. */
static sock_t *any_handle(napi_env env, napi_callback_info info, const char *usage) {
  size_t argc = 1;
  napi_value argv[1];
  void *p = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], &p) != napi_ok || p == NULL) {
    throw_msg(env, usage);
    return NULL;
  }
  return (sock_t *)p;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  sock_t *s = any_handle(env, info, "close(handle): not a packet socket handle");
  if (!s) return NULL;
  sock_close(s);
  napi_value r;
  napi_get_undefined(env, &r);
  return r;
}

static napi_value set_count(napi_env env, napi_value obj, const char *key, uint64_t v) {
  napi_value n;
  if (napi_create_double(env, (double)v, &n) != napi_ok || napi_set_named_property(env, obj, key, n) != napi_ok) return NULL;
  return obj;
}

/* Counters stay readable after close(), so a caller can report what a socket saw. */
static napi_value js_stats(napi_env env, napi_callback_info info) {
  sock_t *s = any_handle(env, info, "stats(handle): not a packet socket handle");
  if (!s) return NULL;
  napi_value r;
  CHECK(napi_create_object(env, &r));
  if (!set_count(env, r, "received", s->received) || !set_count(env, r, "delivered", s->delivered) || !set_count(env, r, "dropped", s->dropped)) return NULL;
  return r;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"interfaces", NULL, js_interfaces, NULL, NULL, NULL, napi_default, NULL},
      {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL},
      {"joinGroup6", NULL, js_join_group6, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
      {"stats", NULL, js_stats, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
