package dev.tessera.teststack;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Skips a test class, saying why, when the stack {@link TestStack} chose cannot run here. For
 * classes that start the stack before their tests run, where {@link TestStack#services()}'s own
 * skip does not serve: a {@code @QuarkusTest}, whose test resources start it while Quarkus boots
 * (Quarkus reports a resource that throws, even a JUnit assumption, as a failure), and a class that
 * starts it in {@code @BeforeAll} (Surefire reports such a skip as no test at all).
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(StackCondition.class)
public @interface NeedsStack {}
