package org.tdpipe.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Varied story openings in the TinyStories style, composed from word lists and sentence templates,
 * the same for the same seed: an opening sentence, zero to four middle sentences, and sometimes
 * an ending (a story that is nearly told) or an unfinished last sentence. They differ in length,
 * characters, places and how much of a story is left to tell.
 */
final class StoryPrompts {
    private record Hero(String name, String pronoun) {
    }

    private static final List<Hero> CHARACTERS = List.of(new Hero("Tom", "he"), new Hero("Lily", "she"),
            new Hero("Ben", "he"), new Hero("Sue", "she"), new Hero("Max", "he"), new Hero("Mia", "she"),
            new Hero("Tim", "he"), new Hero("Anna", "she"), new Hero("Sam", "he"), new Hero("Lucy", "she"),
            new Hero("Jack", "he"), new Hero("Emma", "she"));
    private static final List<String> CREATURES = List.of("girl", "boy", "cat", "dog", "bird", "bunny", "bear", "fish",
            "frog", "mouse", "duck", "lion");
    private static final List<String> ADJECTIVES = List.of("little", "big", "happy", "shy", "brave", "silly", "kind",
            "curious", "sleepy", "tiny", "red", "shiny");
    private static final List<String> PLACES = List.of("park", "forest", "garden", "beach", "house", "school", "lake",
            "farm", "store", "sky", "river", "hill");
    private static final List<String> ACTIONS = List.of("play", "run", "swim", "sing", "dance", "jump", "draw", "read",
            "bake a cake", "fly a kite", "climb a tree", "build a tower");
    private static final List<String> OBJECTS = List.of("ball", "box", "hat", "toy", "apple", "flower", "book", "kite",
            "stone", "key", "cup", "car");
    private static final List<String> FEELINGS = List.of("happy", "sad", "scared", "excited", "angry", "proud", "bored",
            "surprised");
    private static final List<String> OPENINGS = List.of(
            "Once upon a time, there was a {adj} {creature} named {name}.",
            "{Name} was a {adj} {creature} who lived near the {place}.",
            "One day, {name} went to the {place}.",
            "{Name} and {friend} were best friends.",
            "There was once a {adj} {object} in the {place}.");
    private static final List<String> MIDDLES = List.of(
            "{Pronoun} loved to {action} in the {place}.",
            "One day, {pronoun} found a {adj} {object}.",
            "{Name} wanted to {action} with {friend}.",
            "{Pronoun} felt {feeling} because the {object} was {adj}.",
            "{Name}'s mom said, \"Be careful with the {object}!\"",
            "{Friend} came to the {place} to {action}.",
            "Suddenly, the {object} fell into the {place}.",
            "\"Can I {action} too?\" asked {friend}.");
    private static final List<String> ENDINGS = List.of(
            "From that day on, {name} and {friend} were never {feeling} again.",
            "They all lived happily ever after.",
            "{Name} smiled and went home. The end.");
    private static final List<String> UNFINISHED = List.of("Then {name} saw", "{Friend} said, \"", "But the {object}");

    private StoryPrompts() {
    }

    /** {@code n} prompts, the same for the same seed. */
    static List<String> compose(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> prompts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            prompts.add(compose(random));
        }
        return prompts;
    }

    private static String compose(SplittableRandom random) {
        Hero hero = pick(CHARACTERS, random);
        Hero friend = pick(CHARACTERS, random);
        while (friend.equals(hero)) {
            friend = pick(CHARACTERS, random);
        }
        List<String> sentences = new ArrayList<>();
        sentences.add(pick(OPENINGS, random));
        int middles = random.nextInt(5);
        for (int k = 0; k < middles; k++) {
            sentences.add(pick(MIDDLES, random));
        }
        double tail = random.nextDouble();
        if (tail < 0.2) {
            sentences.add(pick(ENDINGS, random));
        } else if (tail < 0.4) {
            sentences.add(pick(UNFINISHED, random));
        }
        StringBuilder text = new StringBuilder();
        for (String template : sentences) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(fill(template, hero, friend, random));
        }
        return text.toString();
    }

    private static String fill(String template, Hero hero, Hero friend, SplittableRandom random) {
        return template.replace("{Name}", hero.name()).replace("{name}", hero.name())
                .replace("{Friend}", friend.name()).replace("{friend}", friend.name())
                .replace("{Pronoun}", capitalized(hero.pronoun())).replace("{pronoun}", hero.pronoun())
                .replace("{adj}", pick(ADJECTIVES, random)).replace("{creature}", pick(CREATURES, random))
                .replace("{place}", pick(PLACES, random)).replace("{action}", pick(ACTIONS, random))
                .replace("{object}", pick(OBJECTS, random)).replace("{feeling}", pick(FEELINGS, random));
    }

    private static String capitalized(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private static <T> T pick(List<T> list, SplittableRandom random) {
        return list.get(random.nextInt(list.size()));
    }
}
