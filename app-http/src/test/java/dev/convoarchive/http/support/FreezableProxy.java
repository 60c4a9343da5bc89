package dev.convoarchive.http.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a server that can be frozen: while frozen, connections stay open and
 * bytes stop flowing both ways, as with a database host that hangs or a network partition that
 * drops packets silently (no reset, no error, just nothing).
 */
public final class FreezableProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private volatile boolean frozen;
  private int held;

  public FreezableProxy(int targetPort) {
    this.targetPort = targetPort;
    try {
      this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::accept, "proxy-accept-" + targetPort);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  public void freeze() {
    frozen = true;
  }

  public void thaw() {
    synchronized (gate) {
      frozen = false;
      gate.notifyAll();
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(server);
        pump(client, server);
        pump(server, client);
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int read; (read = in.read(buffer)) != -1; ) {
          awaitThaw();
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException | InterruptedException ended) {
        // one side closed; the other follows
      } finally {
        close(from);
        close(to);
      }
    }, "proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private void awaitThaw() throws InterruptedException {
    synchronized (gate) {
      held++;
      try {
        while (frozen) {
          gate.wait();
        }
      } finally {
        held--;
      }
    }
  }

  /** How many connections have bytes held back by the freeze: requests stuck on it. */
  public int held() {
    synchronized (gate) {
      return frozen ? held : 0;
    }
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    thaw();
    try {
      listener.close();
    } catch (IOException ignored) {
      // already closed
    }
    sockets.forEach(FreezableProxy::close);
  }
}
