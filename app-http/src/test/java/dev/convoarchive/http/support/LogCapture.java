package dev.convoarchive.http.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The lines one logger writes while a test runs, at INFO and above whatever logback-test.xml says. */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final Level previous;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture(Class<?> source) {
    this.logger = (Logger) LoggerFactory.getLogger(source);
    this.previous = logger.getLevel();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.INFO);
  }

  /** The formatted messages so far. */
  public synchronized List<String> lines() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(previous);
  }
}
