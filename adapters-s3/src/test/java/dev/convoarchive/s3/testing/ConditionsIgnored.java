package dev.convoarchive.s3.testing;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * {@link Faults#ignoreConditions} as a class the AWS SDK can instantiate by name: listed in a
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} resource on a child
 * process's class path, it makes every client of that process talk to a store that ignores
 * conditional writes, without any hook in the service itself.
 */
public final class ConditionsIgnored implements ExecutionInterceptor {

  private final Faults faults = new Faults().ignoreConditions(true);

  @Override
  public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    return faults.modifyHttpRequest(context, attributes);
  }
}
