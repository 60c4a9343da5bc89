package dev.convoarchive.s3.embedded;

import org.apache.catalina.connector.Connector;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps the embedded S3Mock off the network: it answers any credentials, so on another interface
 * any host could read and write the archive. S3Mock adds its HTTP connector as a bean of its own,
 * which Spring's {@code server.address} does not reach; this binds every connector to loopback.
 */
@Configuration(proxyBeanMethods = false)
public class LoopbackOnly {

  static final String ADDRESS = "127.0.0.1";

  @Bean
  public static BeanPostProcessor connectorsOnLoopback() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof Connector connector) {
          connector.setProperty("address", ADDRESS);
        }
        return bean;
      }
    };
  }
}
